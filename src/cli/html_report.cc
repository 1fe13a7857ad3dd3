// The demo's self-contained HTML report with inline SVG figures. See html_report.h.
#include "src/cli/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "oneid/segment/triggers.h"
#include "src/cli/command.h"

namespace oneid::cli {
namespace {

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Num(double v, int digits = 2) {
  if (std::isnan(v)) return "–";
  return absl::StrFormat("%.*f", digits, v);
}

std::string Count(size_t n) {
  std::string s = std::to_string(n);
  // insert(pos, 1, ','), not insert(pos, ","): GCC 12 -O2 reports a false -Wrestrict on the latter.
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), 1, ',');
  return s;
}

constexpr const char* kPalette[] = {"#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096", "#d69e2e"};

// Every chart is drawn in a 640 x 300 box with the same margins, so the report reads evenly.
struct Frame {
  double width = 640, height = 300, left = 60, right = 20, top = 30, bottom = 50;
  double PlotWidth() const { return width - left - right; }
  double PlotHeight() const { return height - top - bottom; }
};

std::string SvgOpen(const Frame& f, std::string_view title, std::string_view id) {
  return absl::StrFormat(
      "<figure id=\"%s\"><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %.0f %.0f\" "
      "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"%s\">"
      "<text x=\"%.0f\" y=\"18\" class=\"title\">%s</text>",
      std::string(id), f.width, f.height, f.width, f.height, Escape(title), f.left, Escape(title));
}

std::string Axes(const Frame& f, double y_max, std::string_view x_label, std::string_view y_label) {
  std::string s = absl::StrFormat(
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>"
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"axis\"/>",
      f.left, f.top, f.left, f.top + f.PlotHeight(), f.left, f.top + f.PlotHeight(), f.left + f.PlotWidth(),
      f.top + f.PlotHeight());
  for (int k = 0; k <= 4; ++k) {
    const double v = y_max * k / 4;
    const double y = f.top + f.PlotHeight() * (1 - k / 4.0);
    absl::StrAppendFormat(&s, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>", f.left - 6,
                          y + 4, v >= 100 ? Num(v, 0) : Num(v, 2));
  }
  absl::StrAppendFormat(&s, "<text x=\"%.1f\" y=\"%.1f\" class=\"label\" text-anchor=\"middle\">%s</text>",
                        f.left + f.PlotWidth() / 2, f.height - 8, Escape(x_label));
  absl::StrAppendFormat(&s,
                        "<text x=\"14\" y=\"%.1f\" class=\"label\" text-anchor=\"middle\" "
                        "transform=\"rotate(-90 14 %.1f)\">%s</text>",
                        f.top + f.PlotHeight() / 2, f.top + f.PlotHeight() / 2, Escape(y_label));
  return s;
}

std::string BarChart(std::string_view id, std::string_view title, const std::vector<std::pair<std::string, double>>& bars,
                     std::string_view y_label) {
  Frame f;
  // Category labels are long ("Potential Loyalist") and slanted: room below and to the left.
  f.bottom = 95;
  f.left = 110;
  f.width = 720;
  double y_max = 0;
  for (const auto& [label, v] : bars) y_max = std::max(y_max, v);
  if (y_max <= 0) y_max = 1;
  std::string s = SvgOpen(f, title, id) + Axes(f, y_max, "", y_label);
  const double slot = f.PlotWidth() / std::max<size_t>(1, bars.size());
  for (size_t i = 0; i < bars.size(); ++i) {
    const double h = f.PlotHeight() * bars[i].second / y_max;
    const double x = f.left + slot * i + slot * 0.1;
    absl::StrAppendFormat(&s,
                          "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                          "<title>%s: %s</title></rect>",
                          x, f.top + f.PlotHeight() - h, slot * 0.8, h, kPalette[i % 7], Escape(bars[i].first),
                          Num(bars[i].second, 0));
    absl::StrAppendFormat(&s,
                          "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\" "
                          "transform=\"rotate(-35 %.1f %.1f)\">%s</text>",
                          x + slot * 0.4, f.top + f.PlotHeight() + 14, x + slot * 0.4, f.top + f.PlotHeight() + 14,
                          Escape(bars[i].first));
  }
  return s + "</svg></figure>\n";
}

struct Series {
  std::string name;
  std::vector<double> y;
  bool dashed = false;
};

std::string LineChart(std::string_view id, std::string_view title, const std::vector<double>& x,
                      const std::vector<Series>& series, std::string_view x_label, std::string_view y_label,
                      double y_max = 0) {
  Frame f;
  for (const Series& s : series) {
    for (double v : s.y) y_max = std::max(y_max, std::isnan(v) ? 0.0 : v);
  }
  if (y_max <= 0) y_max = 1;
  const double x_min = x.empty() ? 0 : x.front(), x_max = x.empty() ? 1 : std::max(x.back(), x_min + 1e-9);
  std::string s = SvgOpen(f, title, id) + Axes(f, y_max, x_label, y_label);
  for (size_t k = 0; k < series.size(); ++k) {
    std::string points;
    for (size_t i = 0; i < x.size() && i < series[k].y.size(); ++i) {
      if (std::isnan(series[k].y[i])) continue;
      absl::StrAppendFormat(&points, "%.1f,%.1f ", f.left + f.PlotWidth() * (x[i] - x_min) / (x_max - x_min),
                            f.top + f.PlotHeight() * (1 - series[k].y[i] / y_max));
    }
    absl::StrAppendFormat(&s, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>",
                          kPalette[k % 7], series[k].dashed ? " stroke-dasharray=\"6 4\"" : "", points);
    absl::StrAppendFormat(&s, "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\" fill=\"%s\">%s</text>", f.left + 10,
                          f.top + 14 + 16.0 * k, kPalette[k % 7], Escape(series[k].name));
  }
  for (int k = 0; k <= 4; ++k) {
    const double v = x_min + (x_max - x_min) * k / 4;
    absl::StrAppendFormat(&s, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                          f.left + f.PlotWidth() * k / 4, f.top + f.PlotHeight() + 16, Num(v, v >= 10 ? 0 : 2));
  }
  return s + "</svg></figure>\n";
}

// R (rows, 5 at the top) by F (columns) grid of customer counts, shaded by count.
std::string RfmHeatMap(const profile::FeatureTable& table) {
  const auto r = table.Numeric("recency_score");
  const auto f = table.Numeric("frequency_score");
  if (!r.ok() || !f.ok()) return "";
  int bins = 0;
  for (size_t i = 0; i < r->size(); ++i) {
    if (!std::isnan((*r)[i])) bins = std::max({bins, static_cast<int>((*r)[i]), static_cast<int>((*f)[i])});
  }
  if (bins == 0) return "";
  std::vector<size_t> cells(static_cast<size_t>(bins * bins), 0);
  size_t most = 1;
  for (size_t i = 0; i < r->size(); ++i) {
    if (std::isnan((*r)[i]) || std::isnan((*f)[i])) continue;
    size_t& c = cells[static_cast<size_t>((static_cast<int>((*r)[i]) - 1) * bins + static_cast<int>((*f)[i]) - 1)];
    most = std::max(most, ++c);
  }
  Frame fr;
  std::string s = SvgOpen(fr, "RFM heat map: customers by R (rows) and F (columns) score", "fig-rfm-heatmap");
  const double cw = fr.PlotWidth() / bins, ch = fr.PlotHeight() / bins;
  for (int ri = 0; ri < bins; ++ri) {
    for (int fi = 0; fi < bins; ++fi) {
      const size_t c = cells[static_cast<size_t>(ri * bins + fi)];
      const double shade = std::sqrt(static_cast<double>(c) / static_cast<double>(most));
      const double x = fr.left + cw * fi, y = fr.top + ch * (bins - 1 - ri);
      absl::StrAppendFormat(&s,
                            "<rect class=\"cell\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                            "fill=\"rgba(43,108,176,%.3f)\" stroke=\"#fff\"/>"
                            "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">%s</text>",
                            x, y, cw, ch, 0.08 + 0.92 * shade, x + cw / 2, y + ch / 2 + 4, Count(c));
    }
    absl::StrAppendFormat(&s, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">R=%d</text>", fr.left - 6,
                          fr.top + ch * (bins - 1 - ri) + ch / 2 + 4, ri + 1);
  }
  for (int fi = 0; fi < bins; ++fi) {
    absl::StrAppendFormat(&s, "<text x=\"%.1f\" y=\"%.1f\" class=\"tick\" text-anchor=\"middle\">F=%d</text>",
                          fr.left + cw * fi + cw / 2, fr.top + fr.PlotHeight() + 16, fi + 1);
  }
  return s + "</svg></figure>\n";
}

// Counts of a text column's values, most frequent first ("" counted as `empty_label`).
std::vector<std::pair<std::string, double>> TextCounts(const profile::FeatureTable& table, std::string_view column,
                                                       std::string_view empty_label) {
  std::map<std::string, double> counts;
  const auto text = table.Text(column);
  if (!text.ok()) return {};
  for (const std::string& v : *text) counts[v.empty() ? std::string(empty_label) : v] += 1;
  std::vector<std::pair<std::string, double>> out(counts.begin(), counts.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

std::string Table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string s = "<table><tr>";
  for (const std::string& h : header) absl::StrAppend(&s, "<th>", Escape(h), "</th>");
  s += "</tr>";
  for (const auto& row : rows) {
    s += "<tr>";
    for (const std::string& c : row) absl::StrAppend(&s, "<td>", Escape(c), "</td>");
    s += "</tr>";
  }
  return s + "</table>\n";
}

std::string Histogram(std::string_view id, std::string_view title, const std::vector<double>& values, int bins,
                      std::string_view x_label) {
  std::vector<double> v;
  for (double x : values) {
    if (!std::isnan(x)) v.push_back(x);
  }
  if (v.empty()) return "";
  std::sort(v.begin(), v.end());
  // Up to the 99th percentile: the long tail of a value distribution would flatten the rest.
  const double hi = v[static_cast<size_t>(0.99 * static_cast<double>(v.size() - 1))], lo = v.front();
  const double width = std::max(1e-9, (hi - lo) / bins);
  std::vector<std::pair<std::string, double>> bars(static_cast<size_t>(bins));
  for (int b = 0; b < bins; ++b) bars[static_cast<size_t>(b)].first = Num(lo + width * b, 0);
  for (double x : v) {
    if (x > hi) continue;
    bars[static_cast<size_t>(std::min(bins - 1, static_cast<int>((x - lo) / width)))].second += 1;
  }
  (void)x_label;
  return BarChart(id, title, bars, "customers");
}

}  // namespace

std::string RenderHtmlReport(const IdentitySummary& id, const PipelineResult& result, const std::string& as_of) {
  const profile::FeatureTable& table = result.table;
  std::string h =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>oneid demo report</title><style>"
      "body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;color:#1a202c}"
      "h1{font-size:1.6em}h2{border-bottom:1px solid #cbd5e0;padding-bottom:.2em;margin-top:2em}"
      "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #e2e8f0;padding:.25em .6em;text-align:right}"
      "table{font-size:.92em}th{background:#edf2f7}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}"
      ".chart text{font-size:11px;fill:#2d3748}.chart .title{font-size:13px;font-weight:600}"
      ".axis{stroke:#4a5568}.legend{font-size:12px;font-weight:600}.note{color:#4a5568;font-size:.9em}"
      "</style></head><body>\n";
  absl::StrAppend(&h, "<h1>oneid: one customer, many accounts</h1><p class=\"note\">Generated omni-channel data of ",
                  Count(id.people_generated), " people; observation date ", Escape(as_of),
                  ". Every figure below was computed in this run.</p>\n");

  // Identity.
  absl::StrAppend(&h, "<h2 id=\"identity\">1. Identity: accounts into OneIDs</h2>");
  h += Table({"measure", "value"},
             {{"accounts", Count(id.accounts)},
              {"persons (OneIDs)", Count(id.persons)},
              {"merges logged", Count(id.merges)},
              {"links refused by per-person guards", Count(id.links_refused)},
              {"junk values (shared by too many accounts)", Count(id.junk_values)},
              {"blocklisted cells", Count(id.blocklisted)},
              {"rejected rows / fields", Count(id.rejected_rows) + " / " + Count(id.rejected_fields)},
              {"largest person (accounts)", Count(id.largest_person)},
              {"pairwise precision / recall / F1 against the truth",
               Num(id.precision, 4) + " / " + Num(id.recall, 4) + " / " + Num(id.f1, 4)}});
  if (!id.refusals.empty()) {
    std::vector<std::pair<std::string, double>> bars;
    for (const auto& [reason, n] : id.refusals) bars.emplace_back(reason, static_cast<double>(n));
    h += BarChart("fig-refusals", "Why links and cells were refused", bars, "count");
  }

  // Profiles.
  absl::StrAppend(&h, "<h2 id=\"profiles\">2. Profiles</h2><p>", Count(result.customers),
                  " OneIDs with events, ", Count(result.buyers), " of them buyers (", Count(result.repeat_buyers),
                  " repeat buyers).</p>");
  h += Table({"events", "read", "accepted", "rejected", "unknown account", "after the observation date"},
             {{"order lines", Count(result.orders_report.rows_read), Count(result.orders_report.rows_accepted),
               Count(result.orders_report.rows_rejected), Count(result.orders_report.unknown_accounts),
               Count(result.orders_report.after_as_of)},
              {"behaviour events", Count(result.behaviour_report.rows_read),
               Count(result.behaviour_report.rows_accepted), Count(result.behaviour_report.rows_rejected),
               Count(result.behaviour_report.unknown_accounts), Count(result.behaviour_report.after_as_of)}});

  // Segments.
  absl::StrAppend(&h, "<h2 id=\"segments\">3. Segments</h2>");
  h += BarChart("fig-lifecycle", "Lifecycle stages", TextCounts(table, "lifecycle_stage", "(none)"), "customers");
  h += BarChart("fig-rfm-segments", "RFM segments", TextCounts(table, "rfm_segment", "no purchase"), "customers");
  h += RfmHeatMap(table);
  {
    std::vector<std::vector<std::string>> rows;
    const auto tiers = TextCounts(table, "value_tier", "no value");
    for (const auto& [tier, n] : tiers) rows.push_back({tier, Count(static_cast<size_t>(n))});
    h += "<h3>Value tiers (from CLV)</h3>" + Table({"tier", "customers"}, rows);
  }
  {
    std::vector<std::vector<std::string>> rows;
    for (const segment::ClusterSummary& c : result.clusters) {
      std::string top;
      for (const auto& [name, z] : c.top_features) absl::StrAppend(&top, top.empty() ? "" : ", ", name, " ", Num(z, 1), "σ");
      std::vector<std::string> row = {absl::StrCat(c.cluster), Count(c.size), Num(100 * c.share, 1) + "%"};
      for (double v : c.centroid) row.push_back(Num(v, 1));
      row.push_back(top);
      rows.push_back(row);
    }
    std::vector<std::string> header = {"cluster", "customers", "share"};
    for (const std::string& f : result.cluster_features) header.push_back(f == "monetary_total" ? "log(1+spend)" : f);
    header.push_back("most distinctive");
    h += "<h3>Clusters (k-means on standardised features, buyers)</h3>" + Table(header, rows);
  }
  {
    std::map<std::string, size_t> by_kind;
    for (const auto& t : result.triggers) by_kind[std::string(segment::TriggerKindName(t.kind))]++;
    std::vector<std::vector<std::string>> rows;
    for (const auto& [kind, n] : by_kind) rows.push_back({kind, Count(n)});
    h += "<h3>Triggers for the CRM</h3>" + Table({"trigger", "fired"}, rows);
    std::vector<std::vector<std::string>> examples;
    for (size_t i = 0; i < result.triggers.size() && examples.size() < 8; i += std::max<size_t>(1, result.triggers.size() / 8)) {
      const auto& t = result.triggers[i];
      examples.push_back({std::to_string(t.oneid), std::string(segment::TriggerKindName(t.kind)), t.reason});
    }
    h += Table({"OneID", "trigger", "reason"}, examples);
  }

  // Lifetime value.
  absl::StrAppend(&h, "<h2 id=\"clv\">4. Lifetime value</h2>");
  h += Table({"model", "parameters"},
             {{"BG/NBD (days)", absl::StrFormat("r=%.3f alpha=%.2f a=%.3f b=%.3f, log-likelihood %.1f", result.bg_nbd.r,
                                                 result.bg_nbd.alpha, result.bg_nbd.a, result.bg_nbd.b,
                                                 result.bg_nbd_log_likelihood)},
              {"Gamma-Gamma", absl::StrFormat("p=%.3f q=%.3f v=%.2f", result.gamma_gamma.p, result.gamma_gamma.q,
                                              result.gamma_gamma.v)}});
  if (const auto clv = table.Numeric("clv"); clv.ok()) {
    h += Histogram("fig-clv", "12-month CLV of buyers (up to the 99th percentile)", std::vector<double>(clv->begin(), clv->end()),
                   20, "CLV");
  }
  h += LineChart("fig-tracking", "Calibration/holdout tracking: cumulative repeat purchases after the cut-off",
                 result.tracking.week,
                 {{"actual", result.tracking.actual}, {"BG/NBD expected", result.tracking.expected, true}},
                 "weeks after the calibration cut-off", "repeat purchases");

  // Churn.
  const ChurnSummary& c = result.churn;
  absl::StrAppend(&h, "<h2 id=\"churn\">5. Churn</h2><p>Trained on ", Count(c.train_customers),
                  " buyers as of day ", Num(c.train_cutoff_day, 0), " (churn rate ", Num(100 * c.train_churn_rate, 1),
                  "%), judged on ", Count(c.test_customers), " buyers as of day ", Num(c.test_cutoff_day, 0),
                  ": churned = no purchase in the following 90 days.</p>");
  h += Table({"model", "AUC", "lift, top decile", "Brier", "largest calibration gap"},
             {{"logistic regression (L2)", Num(c.model.auc, 3), Num(c.model.lift_top_decile, 2), Num(c.model.brier, 4),
               Num(c.model.max_calibration_gap, 3)},
              {"1 − P(alive), BG/NBD", Num(c.p_alive_baseline.auc, 3), Num(c.p_alive_baseline.lift_top_decile, 2),
               Num(c.p_alive_baseline.brier, 4), Num(c.p_alive_baseline.max_calibration_gap, 3)},
              {"exp(−E[purchases in 90 days]), BG/NBD", Num(c.expected_purchases_baseline.auc, 3),
               Num(c.expected_purchases_baseline.lift_top_decile, 2), Num(c.expected_purchases_baseline.brier, 4),
               Num(c.expected_purchases_baseline.max_calibration_gap, 3)}});
  h += "<p class=\"note\">BG/NBD gives every one-time buyer P(alive) = 1, so 1 − P(alive) ranks the most likely "
       "churners (one purchase, long ago) as the safest; the expected-purchases baseline does not have that "
       "blind spot.</p>";
  {
    std::vector<double> x, predicted, observed;
    for (const auto& bin : c.model.calibration) {
      x.push_back(bin.bin);
      predicted.push_back(bin.mean_predicted);
      observed.push_back(bin.observed_rate);
    }
    h += LineChart("fig-calibration", "Churn model calibration by decile of predicted risk", x,
                   {{"observed churn rate", observed}, {"mean predicted", predicted, true}}, "decile", "churn rate", 1.0);
  }
  {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [step, s] : result.seconds) rows.push_back({step, Num(s, 2) + " s"});
    h += "<h2 id=\"timings\">Timings</h2>" + Table({"step", "wall time"}, rows);
  }
  h += "</body></html>\n";
  return h;
}

absl::Status WriteReport(const std::string& path, const std::string& html) {
  AtomicOfstream out(path);  // renamed into place when it goes out of scope in a good state
  if (!(out << html).flush()) return absl::UnavailableError(absl::StrCat("cannot write '", path, "'"));
  return absl::OkStatus();
}

}  // namespace oneid::cli
