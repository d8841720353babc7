package cli

import (
	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/schema"
)

// newEngine loads the config and builds the providers its zones use.
func (e *env) newEngine(zones []string) (*engine.Engine, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	return e.engineFor(cfg, zones)
}

func (e *env) engineFor(cfg *schema.Config, zones []string) (*engine.Engine, error) {
	provs, err := engine.Build(cfg, engine.BuildOptions{LookupEnv: e.lookup, Logger: e.log})
	if err != nil {
		return nil, exitCode(ExitError, err)
	}
	eng := &engine.Engine{Config: cfg, Providers: provs, Logger: e.log, Zones: zones}
	if _, err := eng.SelectedZones(); err != nil {
		return nil, exitCode(ExitError, err)
	}
	return eng, nil
}
