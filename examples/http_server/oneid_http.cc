// oneid over HTTP: a small server a CRM's other services can call, built on Debian's cpp-httplib.
//
//   oneid_http [--port N] [--threads N] [--people N] [--seed N] [--as-of DATE] [--coarse-lock]
//
// It binds 127.0.0.1 (port 0, the default, takes an ephemeral port), prints
// "oneid_http listening on http://127.0.0.1:PORT", and serves until SIGINT or SIGTERM. With
// --people N (default 2000) it first loads a generated base: N people's accounts
// (identity::GenerateOmniChannel) and two years of their orders and behaviour
// (profile::GenerateEvents), resolved, profiled, and the models fitted on them.
//
// Endpoints (docs/http_server.md has examples):
//   POST /v1/accounts   CSV as `oneid resolve` reads it   -> batch report, OneID of every row
//   POST /v1/orders     CSV as `oneid profile` reads it   -> event report, persons re-scored
//   POST /v1/behaviour  CSV as `oneid profile` reads it   -> event report
//   POST /v1/refit      refit RFM edges, BG/NBD and Gamma-Gamma on the whole base, re-score all
//   GET  /v1/oneid?account_id=ID                          -> {account_id, oneid}
//   GET  /v1/persons?limit=N                              -> the first N OneIDs
//   GET  /v1/persons/{oneid}[/profile|/scores|/segments|/triggers]
//   GET  /v1/explain?a=ID&b=ID                            -> the chain of shared identifiers
//   GET  /v1/health                                       -> counts and write timings
// Errors are JSON {"error": "..."}: 400 bad input, 404 unknown account/OneID/path, 409 accounts of
// different persons (explain) or a base too small to fit, 413 a body over --max-body-mb.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "json.h"
#include "oneid/oneid.h"
#include "service.h"

// After oneid's headers: httplib.h includes <resolv.h>, whose `_res` macro would rewrite a
// parameter name inside Eigen's headers.
#include <httplib.h>

namespace {

using oneid_http::Json;
using oneid_http::Service;

struct Flags {
  int port = 0;
  int threads = 8;
  size_t people = 2000;
  uint64_t seed = 7;
  std::string as_of = "2024-12-31";
  bool coarse_lock = false;
  size_t max_body_mb = 64;
  size_t keep_alive_max = 10000;
};

bool ParseSize(const char* text, size_t& out) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || text[0] == '-') return false;
  out = static_cast<size_t>(v);
  return true;
}

int Usage(std::string_view problem) {
  if (!problem.empty()) std::cerr << "oneid_http: " << problem << "\n";
  std::cerr << "usage: oneid_http [--port N (0: ephemeral)] [--threads N (default 8)] [--people N (default 2000; 0:\n"
               "                  empty base)] [--seed N] [--as-of YYYY-MM-DD (default 2024-12-31)]\n"
               "                  [--coarse-lock] [--max-body-mb N (default 64)] [--keep-alive-max N]\n";
  return problem.empty() ? 0 : 2;
}

std::string ErrorBody(std::string_view message) {
  Json j;
  j.BeginObject().Key("error").String(message).EndObject();
  return j.Take();
}

int HttpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kFailedPrecondition: return 409;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

void Reply(httplib::Response& res, const absl::StatusOr<std::string>& body) {
  if (body.ok()) {
    res.status = 200;
    res.set_content(*body, "application/json");
  } else {
    res.status = HttpStatusOf(body.status());
    const auto message = body.status().message();  // Debian's absl::string_view is not std's
    res.set_content(ErrorBody(std::string_view(message.data(), message.size())), "application/json");
  }
}

// A query parameter that must be present and non-empty.
absl::StatusOr<std::string> Param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) {
    return absl::InvalidArgumentError(std::string("query parameter '") + name + "' is required");
  }
  return req.get_param_value(name);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    size_t n = 0;
    if (arg == "--help") return Usage("");
    if (arg == "--coarse-lock") {
      flags.coarse_lock = true;
    } else if (!has_value) {
      return Usage("unknown flag or missing value: " + std::string(arg));
    } else if (arg == "--as-of") {
      flags.as_of = argv[++i];
    } else if (!ParseSize(argv[++i], n)) {
      return Usage("not a non-negative integer: " + std::string(arg) + " " + argv[i]);
    } else if (arg == "--port" && n <= 65535) {
      flags.port = static_cast<int>(n);
    } else if (arg == "--threads" && n >= 1 && n <= 1024) {
      flags.threads = static_cast<int>(n);
    } else if (arg == "--people") {
      flags.people = n;
    } else if (arg == "--seed") {
      flags.seed = n;
    } else if (arg == "--max-body-mb" && n >= 1 && n <= 4096) {
      flags.max_body_mb = n;
    } else if (arg == "--keep-alive-max" && n >= 1) {
      flags.keep_alive_max = n;
    } else {
      return Usage("unknown flag or value out of range: " + std::string(arg));
    }
  }

  absl::StatusOr<oneid::profile::Timestamp> as_of = oneid::profile::ParseObservationDate(flags.as_of);
  if (!as_of.ok()) return Usage("--as-of: " + as_of.status().ToString());
  oneid::identity::IdentityConfig identity = oneid::identity::DefaultIdentityConfig();
  identity.salt = "oneid-http-example-salt";  // a real host loads its salt from a secret store
  oneid::profile::ProfileOptions profile;
  profile.as_of = *as_of;
  absl::StatusOr<std::unique_ptr<Service>> service =
      Service::Create(identity, profile, {.coarse_lock = flags.coarse_lock});
  if (!service.ok()) {
    std::cerr << "oneid_http: " << service.status() << "\n";
    return 1;
  }
  if (flags.people > 0) {
    oneid::identity::SyntheticConfig people;
    people.people = flags.people;
    people.seed = flags.seed;
    const oneid::identity::SyntheticData data = oneid::identity::GenerateOmniChannel(people);
    oneid::profile::EventGeneratorConfig events_config;
    events_config.seed = flags.seed;
    events_config.end = std::min(events_config.end, *as_of);
    const oneid::profile::GeneratedEvents events = oneid::profile::GenerateEvents(data, events_config);
    if (absl::Status s = (*service)->Seed(data.accounts, events.orders, events.behaviour); !s.ok()) {
      std::cerr << "oneid_http: seeding failed: " << s << "\n";
      return 1;
    }
    std::cerr << "oneid_http: seeded " << data.accounts.row_count() << " accounts, " << events.orders.row_count()
              << " order lines, " << events.behaviour.row_count() << " behaviour events\n";
  }

  // SIGINT/SIGTERM are taken by a thread with sigwait, so stopping the server runs outside a
  // signal handler. They are blocked before the pool starts, so every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Service& svc = **service;
  httplib::Server server;
  const size_t threads = static_cast<size_t>(flags.threads);
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(flags.max_body_mb << 20);
  server.set_keep_alive_max_count(flags.keep_alive_max);
  // Without it, Nagle's algorithm meets the client's delayed ACK and a keep-alive request waits
  // ~40 ms for its response's last segment.
  server.set_tcp_nodelay(true);
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    res.status = 500;
    res.set_content(ErrorBody("internal error: " + what), "application/json");
  });
  // Errors httplib answers itself (unknown path, body too large) get a JSON body too.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string message = "HTTP " + std::to_string(res.status);
    if (res.status == 404) message = "no such endpoint: " + req.method + " " + req.path;
    if (res.status == 413) message = "request body too large";
    if (res.status == 400) message = "malformed HTTP request (a POST needs a Content-Length or chunked body)";
    res.set_content(ErrorBody(message), "application/json");
  });

  server.Post("/v1/accounts", [&](const httplib::Request& req, httplib::Response& res) {
    Reply(res, svc.PostAccounts(req.body));
  });
  server.Post("/v1/orders", [&](const httplib::Request& req, httplib::Response& res) {
    Reply(res, svc.PostOrders(req.body));
  });
  server.Post("/v1/behaviour", [&](const httplib::Request& req, httplib::Response& res) {
    Reply(res, svc.PostBehaviour(req.body));
  });
  server.Post("/v1/refit", [&](const httplib::Request&, httplib::Response& res) { Reply(res, svc.Refit()); });
  server.Get("/v1/oneid", [&](const httplib::Request& req, httplib::Response& res) {
    absl::StatusOr<std::string> account = Param(req, "account_id");
    Reply(res, account.ok() ? svc.GetOneId(*account) : account.status());
  });
  server.Get("/v1/explain", [&](const httplib::Request& req, httplib::Response& res) {
    absl::StatusOr<std::string> a = Param(req, "a");
    absl::StatusOr<std::string> b = Param(req, "b");
    if (!a.ok()) return Reply(res, a.status());
    if (!b.ok()) return Reply(res, b.status());
    Reply(res, svc.GetExplain(*a, *b));
  });
  server.Get("/v1/persons", [&](const httplib::Request& req, httplib::Response& res) {
    size_t limit = 100;
    if (req.has_param("limit") && (!ParseSize(req.get_param_value("limit").c_str(), limit) || limit > 100000)) {
      return Reply(res, absl::InvalidArgumentError("limit must be an integer in 0..100000"));
    }
    Reply(res, svc.ListPersons(limit));
  });
  server.Get(R"(/v1/persons/([0-9]{1,20})(/(profile|scores|segments|triggers))?)",
             [&](const httplib::Request& req, httplib::Response& res) {
               size_t id = 0;
               if (!ParseSize(req.matches[1].str().c_str(), id) || id == 0) {
                 return Reply(res, absl::InvalidArgumentError("a OneID is an integer from 1 to 2^64-1"));
               }
               const std::string part = req.matches[3].str();
               Service::Part p = Service::Part::kAll;
               if (part == "profile") p = Service::Part::kProfile;
               if (part == "scores") p = Service::Part::kScores;
               if (part == "segments") p = Service::Part::kSegments;
               if (part == "triggers") p = Service::Part::kTriggers;
               Reply(res, svc.GetPerson(id, p));
             });
  server.Get("/v1/health", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(svc.Health(), "application/json");
  });

  const int port = flags.port == 0 ? server.bind_to_any_port("127.0.0.1")
                                   : (server.bind_to_port("127.0.0.1", flags.port) ? flags.port : -1);
  if (port < 0) {
    std::cerr << "oneid_http: cannot bind 127.0.0.1:" << flags.port << "\n";
    return 1;
  }
  // The socket is listening already: a client may connect as soon as it reads this line.
  std::cout << "oneid_http listening on http://127.0.0.1:" << port << std::endl;

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    server.stop();
  });
  const bool ok = server.listen_after_bind();
  if (!ok) {
    // listen failed on its own: wake the stopper so it can be joined.
    pthread_kill(stopper.native_handle(), SIGTERM);
  }
  stopper.join();
  std::cerr << "oneid_http: stopped\n";
  return ok ? 0 : 1;
}
