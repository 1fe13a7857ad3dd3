#!/usr/bin/env bash
# End-to-end test of the CLI chain resolve -> profile -> score -> segment on generated data: each
# step reads the previous one's output; `oneid score` fits its models, reports bad rows (count and
# --rejects) without stopping, and its clv column drives `oneid segment`'s value tiers. Also: every
# command documents --progress and --quiet, and --progress writes progress to stderr without
# changing a byte of any output.
set -euo pipefail
oneid="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Help: every command, both spellings.
for cmd in resolve profile score segment demo; do
  "$oneid" "$cmd" --help > "$work/h1" || fail "$cmd --help"
  "$oneid" help "$cmd" > "$work/h2" || fail "help $cmd"
  cmp -s "$work/h1" "$work/h2" || fail "'help $cmd' differs from '$cmd --help'"
  grep -q "usage: oneid $cmd" "$work/h1" || fail "$cmd usage line"
  grep -q -- "--progress" "$work/h1" || fail "$cmd --help does not document --progress"
  grep -q -- "--quiet" "$work/h1" || fail "$cmd --help does not document --quiet"
done
"$oneid" --help | grep -q "score" || fail "top-level help lists score"
"$oneid" --help | grep -q -- "--progress" || fail "top-level help mentions --progress"
if "$oneid" help bogus 2>/dev/null; then fail "help of an unknown command accepted"; fi

# 3000 people, one to three accounts each (POS, mini-program, Tmall) sharing a phone, and their
# orders over two years: each buyer's purchases come at a personal rate until a personal end.
awk -v seed=7 '
# Seconds since the epoch -> ISO 8601 UTC (mawk has no strftime): days to civil date.
function iso(t,   d, s, z, era, doe, yoe, y, doy, mp, dd, m) {
  d = int(t / 86400); s = t - d * 86400;
  z = d + 719468; era = int(z / 146097); doe = z - era * 146097;
  yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365);
  y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100));
  mp = int((5 * doy + 2) / 153); dd = doy - int((153 * mp + 2) / 5) + 1;
  m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++;
  return sprintf("%04d-%02d-%02dT%02d:%02d:%02d", y, m, dd, int(s / 3600), int((s % 3600) / 60), s % 60);
}
BEGIN {
  srand(seed);
  print "account_id,source,phone,email" > "'"$work"'/accounts.csv";
  print "account_id,time,channel,amount,order_id" > "'"$work"'/orders.csv";
  print "account_id,time,channel,kind" > "'"$work"'/behaviour.csv";
  split("pos miniprogram tmall", channel, " ");
  start = 1672531200; span = 730 * 86400; order = 0;
  for (p = 1; p <= 3000; ++p) {
    phone = sprintf("1380%07d", p);
    n = 1 + int(rand() * 3);
    for (a = 1; a <= n; ++a) {
      id = sprintf("%s:%d", substr(channel[a], 1, 2), p);
      acct[a] = id;
      printf "%s,%s,%s,%s\n", id, channel[a], (a == 2 ? "+86 " phone : phone),
             (a == 3 ? "p" p "@example.com" : "") >> "'"$work"'/accounts.csv";
    }
    if (rand() < 0.15) { printf "%s,%s,%s,browse\n", acct[1], iso(start + int(rand() * span)), channel[1] >> "'"$work"'/behaviour.csv"; continue; }
    rate = (0.2 + rand() * 2) / 30 / 86400;      # purchases per second
    t = start + int(rand() * span * 0.8);
    end = t + int(-log(1 - rand()) * 300 * 86400);
    spend = 50 + rand() * 400;
    while (t < start + span && t <= end) {
      a = 1 + int(rand() * n);
      printf "%s,%s,%s,%.2f,o%d\n", acct[a], iso(t), channel[a],
             spend * (0.5 + rand()), ++order >> "'"$work"'/orders.csv";
      t += int(-log(1 - rand()) / rate);
    }
  }
}'
[ "$(wc -l < "$work/accounts.csv")" -gt 5000 ] || fail "generator: too few accounts"
[ "$(wc -l < "$work/orders.csv")" -gt 5000 ] || fail "generator: too few orders"

# resolve -> profile.
"$oneid" resolve --accounts "$work/accounts.csv" --out "$work/map.csv" --quiet 2>"$work/log.resolve" \
  || { cat "$work/log.resolve"; fail "resolve"; }
grep -q "3000 OneIDs" "$work/log.resolve" || { cat "$work/log.resolve"; fail "resolve did not find the 3000 people"; }
"$oneid" profile --accounts "$work/accounts.csv" --orders "$work/orders.csv" --behaviour "$work/behaviour.csv" \
  --as-of 2024-12-31 --out "$work/profiles.csv" --quiet 2>"$work/log.profile" || { cat "$work/log.profile"; fail "profile"; }
[ "$(wc -l < "$work/profiles.csv")" -eq 3001 ] || fail "profile: expected header + 3000 rows"

# score.
"$oneid" score --profiles "$work/profiles.csv" --out "$work/scores.csv" --quiet >"$work/fit.txt" 2>"$work/log.score" \
  || { cat "$work/log.score"; fail "score"; }
[ "$(head -1 "$work/scores.csv")" = \
  "oneid,recency_score,frequency_score,monetary_score,rfm_segment,p_alive,expected_purchases_90d,clv,p_no_purchase_7d,p_no_purchase_14d,p_no_purchase_30d" ] \
  || { head -1 "$work/scores.csv"; fail "score header"; }
[ "$(wc -l < "$work/scores.csv")" -eq 3001 ] || fail "score: one row per profile"
grep -q "^BG/NBD (time unit: day): r " "$work/fit.txt" || { cat "$work/fit.txt"; fail "fit summary"; }
[ "$(grep -c ": converged after" "$work/fit.txt")" -eq 2 ] || { cat "$work/fit.txt"; fail "both fits converge"; }
grep -q "3000 rows read, 0 rejected" "$work/log.score" || { cat "$work/log.score"; fail "score row counts"; }
# Buyers have every score, in range; people who never bought have none.
awk -F, 'NR > 1 {
  if ($8 == "") { if ($2 != "" || $6 != "") bad = "non-buyer with scores: " $0; nb++; next }
  if ($2 < 1 || $2 > 5 || $3 < 1 || $3 > 5 || $4 < 1 || $4 > 5) bad = "RFM score out of range: " $0;
  if ($6 < 0 || $6 > 1) bad = "p_alive out of [0,1]: " $0;
  if ($7 < 0 || $8 < 0) bad = "negative expectation: " $0;
  if ($5 == "") bad = "buyer without rfm_segment: " $0;
  # P(no purchase in 7 >= 14 >= 30 days) >= 1 - P(alive): a churn horizon is a probability.
  if (!($9 >= $10 && $10 >= $11 && $11 >= 1 - $6 - 1e-12 && $9 <= 1)) bad = "p_no_purchase out of order: " $0;
  buyers++
} END { if (bad) { print bad; exit 1 } if (buyers < 2000 || nb < 200) { print buyers, nb; exit 1 } }' \
  "$work/scores.csv" || fail "score values"

# Bad rows are rejected one by one, counted and listed, and the rest is scored.
{
  cat "$work/profiles.csv"
  head -2 "$work/profiles.csv" | tail -1                                   # repeated oneid
  echo "9999991"                                                           # too few fields
  tail -1 "$work/profiles.csv" | sed 's/^[0-9]*,/0,/'                      # oneid 0
} > "$work/bad.csv"
"$oneid" score --profiles "$work/bad.csv" --out "$work/bad_scores.csv" --rejects "$work/rejects.csv" --quiet \
  >/dev/null 2>"$work/log.bad" || { cat "$work/log.bad"; fail "score with bad rows"; }
grep -q "3003 rows read, 3 rejected" "$work/log.bad" || { cat "$work/log.bad"; fail "bad row count"; }
[ "$(head -1 "$work/rejects.csv")" = "row,field,reason" ] || fail "rejects header"
grep -q '^3001,oneid,.*appears on an earlier row$' "$work/rejects.csv" || { cat "$work/rejects.csv"; fail "duplicate oneid reject"; }
grep -q '^3002,,"expected .* fields, got 1"$' "$work/rejects.csv" || { cat "$work/rejects.csv"; fail "ragged row reject"; }
grep -q "^3003,oneid,'0' is not a positive integer$" "$work/rejects.csv" || { cat "$work/rejects.csv"; fail "oneid 0 reject"; }
cmp -s "$work/scores.csv" "$work/bad_scores.csv" || fail "rejected rows changed the scores of the others"
# A cell that is not a number, and a last purchase after the observation date.
col() { head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1; }
rc=$(col "$work/profiles.csv" cb_recency); tc=$(col "$work/profiles.csv" cb_T)
# The first two buyers (cb_T set) get a cell that is not a number and a recency after cb_T.
awk -F, -v OFS=, -v r="$rc" -v t="$tc" -v rows="$work/bad_rows" '
  NR > 1 && $t != "" && n < 2 { n++; $r = (n == 1 ? "soon" : $t + 1); print NR - 1 > rows }
  { print }' "$work/profiles.csv" > "$work/bad2.csv"
soon=$(sed -n 1p "$work/bad_rows"); late=$(sed -n 2p "$work/bad_rows")
"$oneid" score --profiles "$work/bad2.csv" --out "$work/bad2_scores.csv" --rejects "$work/rejects2.csv" --quiet \
  >/dev/null 2>"$work/log.bad2" || { cat "$work/log.bad2"; fail "score with bad cells"; }
grep -q "3000 rows read, 2 rejected" "$work/log.bad2" || { cat "$work/log.bad2"; fail "bad cell count"; }
grep -q "^$soon,cb_recency,'soon' is not a finite number$" "$work/rejects2.csv" || { cat "$work/rejects2.csv"; fail "NaN cell reject"; }
grep -q "^$late,cb_recency,greater than cb_T" "$work/rejects2.csv" || { cat "$work/rejects2.csv"; fail "recency > T reject"; }
# A file that is not a profile CSV fails with the missing column named.
if "$oneid" score --profiles "$work/map.csv" --out "$work/x.csv" 2>"$work/err"; then fail "map accepted as profiles"; fi
grep -q "no 'recency_days' column" "$work/err" || { cat "$work/err"; fail "missing column message"; }

# segment on the scores: value tiers from clv (the default value column) with the profile kept.
"$oneid" score --profiles "$work/profiles.csv" --out "$work/scored_profiles.csv" --keep-profile --quiet >/dev/null 2>&1 \
  || fail "score --keep-profile"
[ "$(head -1 "$work/scored_profiles.csv" | tr ',' '\n' | grep -c .)" -gt 40 ] || fail "--keep-profile kept the profile columns"
"$oneid" segment --profiles "$work/scored_profiles.csv" --out "$work/segments.csv" --audience "p_alive < 0.5" \
  --quiet 2>"$work/log.segment" || { cat "$work/log.segment"; fail "segment"; }
for c in lifecycle_stage clv_decile value_tier in_audience; do
  grep -q "$c" <(head -1 "$work/segments.csv") || { head -1 "$work/segments.csv"; fail "segment column $c"; }
done
[ "$(wc -l < "$work/segments.csv")" -eq 3001 ] || fail "segment: one row per profile"
# A churn-horizon rule (issue 16): the audience is exactly the buyers with P(no purchase in 30 days) > 0.8.
"$oneid" segment --profiles "$work/scores.csv" --out "$work/lapsing.csv" --audience "p_no_purchase_30d > 0.8" \
  --audience-name lapsing --value-column none --no-lifecycle --no-tags --quiet 2>"$work/log.lapsing" \
  || { cat "$work/log.lapsing"; fail "segment on p_no_purchase_30d"; }
want=$(awk -F, 'NR > 1 && $11 != "" && $11 > 0.8 { n++ } END { print n + 0 }' "$work/scores.csv")
lap=$(col "$work/lapsing.csv" lapsing)
got=$(awk -F, -v c="$lap" 'NR > 1 && $c == 1 { n++ } END { print n + 0 }' "$work/lapsing.csv")
[ "$want" -gt 0 ] && [ "$got" -eq "$want" ] || fail "p_no_purchase_30d > 0.8: $got in the audience, $want expected"
# The scores alone also feed segment's value tiers.
"$oneid" segment --profiles "$work/scores.csv" --out "$work/tiers.csv" --no-lifecycle --no-tags --quiet 2>/dev/null \
  || fail "segment on the scores alone"
grep -q "value_tier" <(head -1 "$work/tiers.csv") || fail "value_tier from scores.csv"

# --progress: progress lines on stderr, outputs byte-identical to a --quiet run.
mkdir "$work/p"
"$oneid" resolve --accounts "$work/accounts.csv" --out "$work/p/map.csv" --progress 2>"$work/p/log.resolve"
grep -q "oneid resolve: resolve: accounts .*100.0%" "$work/p/log.resolve" || { cat "$work/p/log.resolve"; fail "resolve progress"; }
grep -q "oneid resolve: resolve: links .*100.0%" "$work/p/log.resolve" || { cat "$work/p/log.resolve"; fail "resolve link progress"; }
"$oneid" profile --accounts "$work/accounts.csv" --orders "$work/orders.csv" --behaviour "$work/behaviour.csv" \
  --as-of 2024-12-31 --out "$work/p/profiles.csv" --progress 2>"$work/p/log.profile"
grep -q "oneid profile: profile: orders .*100.0%" "$work/p/log.profile" || { cat "$work/p/log.profile"; fail "profile progress"; }
"$oneid" score --profiles "$work/profiles.csv" --out "$work/p/scores.csv" --progress >"$work/p/fit.txt" 2>"$work/p/log.score"
grep -q "oneid score: fit BG/NBD" "$work/p/log.score" || { cat "$work/p/log.score"; fail "score progress"; }
"$oneid" segment --profiles "$work/scored_profiles.csv" --out "$work/p/segments.csv" --audience "p_alive < 0.5" \
  --progress 2>"$work/p/log.segment"
grep -q "oneid segment: read 3000 profiles in" "$work/p/log.segment" || { cat "$work/p/log.segment"; fail "segment progress"; }
cmp "$work/map.csv" "$work/p/map.csv" || fail "--progress changed the map"
cmp "$work/profiles.csv" "$work/p/profiles.csv" || fail "--progress changed the profiles"
cmp "$work/scores.csv" "$work/p/scores.csv" || fail "--progress changed the scores"
cmp "$work/fit.txt" "$work/p/fit.txt" || fail "--progress changed stdout"
cmp "$work/segments.csv" "$work/p/segments.csv" || fail "--progress changed the segments"
# --quiet wins, and a non-terminal stderr shows no progress by default.
"$oneid" score --profiles "$work/profiles.csv" --out "$work/q.csv" --progress --quiet >/dev/null 2>"$work/q.log"
if grep -q "fit BG/NBD" "$work/q.log"; then fail "--quiet showed progress"; fi
"$oneid" score --profiles "$work/profiles.csv" --out "$work/q.csv" >/dev/null 2>"$work/d.log"
if grep -q "fit BG/NBD" "$work/d.log"; then fail "progress shown on a non-terminal stderr without --progress"; fi
echo "score chain CLI: all checks passed"
