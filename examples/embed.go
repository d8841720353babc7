// Package examples holds runnable launchready configs and CI workflows. The demo
// config is embedded so `launchready demo` works from a bare binary.
package examples

import _ "embed"

// DemoConfig is examples/demo/launch.hcl, the config `launchready demo` applies.
//
//go:embed demo/launch.hcl
var DemoConfig []byte
