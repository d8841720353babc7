// Package watch keeps verifying a launch after it went live: it runs verify's checks
// in rounds, remembers each check's state in a file, and alerts the top-level alert
// blocks of launch.hcl only when a check's state changes — it starts failing after
// Failures consecutive failed rounds, or it recovers. It reuses verify.Run for the
// checks themselves (the CLI passes it in), so watch and verify can never disagree.
//
// # Rounds
//
// A fast round runs the declared HTTP checks (FastKinds) every Interval; a slow round
// runs DNS, TLS (certificate expiry included), redirect and email checks (SlowKinds)
// every SlowInterval. Run starts with one round of each; RunOnce runs one round of
// every check. Each round logs one line and updates the metrics.
//
// # State
//
// A "check" here is one subject of verify's report — a declared check block, a TLS
// host, a DNS record set, a redirect, a zone's email — whose worst result decides its
// status, so one fault (a dashboard down: errors and latency failing) is one alert.
// The state file (JSON, written atomically after every round) holds, per subject
// (zone, kind, name), its last status and reason, the consecutive failed
// rounds, whether it is alerting and which alert targets were told so. A restart
// reads it back: a check that was already alerting is not announced again. An alert
// that could not be delivered is retried after the next round, to that target only.
// Checks of a round's kinds that are no longer produced (removed from launch.hcl)
// are forgotten without an alert. A watcher holds an advisory lock on the state file
// (<state>.lock, released by Close or when the process ends), so a second watch on
// the same file refuses to start instead of announcing everything twice.
//
// # Alerts
//
// Every alert is one JSON object (Alert); a webhook with format "slack" gets an
// incoming-webhook message ({"text": …}) instead. A command alert runs the program
// with the JSON on stdin (30 s limit). Webhook URLs come from the environment and are
// never logged: delivery errors name the alert block, not the URL.
//
// # Metrics
//
// Metrics registers, on its own Prometheus registry, with the labels zone, kind and
// name: launchready_check_status
// (0 pass, 1 warn, 2 fail, 3 skip), launchready_check_failing (1 while alerting),
// launchready_check_latency_seconds (a declared check's p95 total time); and
// launchready_round_duration_seconds and launchready_rounds_total per round (fast,
// slow, all),
// and launchready_alerts_total per alert block and result. Handler serves /metrics
// and /healthz.
package watch
