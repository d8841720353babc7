// Package conformance holds Cloudflare API exchanges against Cloudflare's published
// OpenAPI schema: every request and every answer under /client/v4/ is validated with
// kin-openapi's openapi3filter, and each failure is recorded with its method, path
// and what failed. It does one thing; it is not a mock, a simulator or a client.
//
// The schema is shared/cloudflare-api/openapi-subset.json beside the repository (Find,
// Default), cut from Cloudflare's 2024-08-06 upstream file. Load corrects the file's
// known quirks with named patches (Patches), each with its reason, in memory; each
// patch first checks that its quirk is still there and fails otherwise, so a refreshed
// schema makes a stale patch fail loudly instead of silently weakening the check.
// Nothing else is relaxed.
//
// A Checker is used in two ways:
//
//	client := &http.Client{Transport: checker.Transport(nil)}   // what a client sends and gets
//	handler = checker.Middleware(handler)                       // what a server gets and answers
//
// Checker.Failures lists what failed; Checker.Report, when set, hears each failure as
// it happens. The simulator (package sim, Options.Conformance; `launchready sim
// --conformance FILE`) uses the middleware, the tests of the simulator and of the
// Cloudflare provider and the end-to-end tests switch it on, and any failure fails
// the test.
//
// What is checked, per exchange whose path contains /client/v4/:
//
//   - The request must match an operation of the schema, and satisfy its parameters,
//     security (a bearer token or the legacy key headers) and body. A request sent
//     malformed on purpose is marked (InvalidRequestHeader, WithInvalidRequest): only
//     its answer is checked.
//   - The answer must match that operation's response for its status (an
//     undocumented status is a failure), except 5xx, 429 and a dry_run entrypoint
//     PUT, each for the reason its Exception constant gives.
//   - A path the schema does not have is a failure, unless it is one of the few
//     operations launchready uses that the 2024 subset lacks (UncoveredOperations:
//     DNSSEC, per-rule ruleset writes, each with its reason and Cloudflare's
//     documentation): those requests must carry JSON and their answers Cloudflare's
//     common envelope. The answer to a request marked invalid on a path the schema
//     lacks must still be Cloudflare's failure envelope.
//
// A missing schema file is an error wrapping os.ErrNotExist: callers skip with a
// message on a developer machine and fail when Required (CI=true).
package conformance
