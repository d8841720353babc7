package schema

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
)

var alertNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// Alert is a top-level alert block: where `launchready watch` sends a change of a
// check's state. Exactly one of Webhook and Command is set.
//
//	alert "ops" {
//	  webhook = env("LAUNCH_ALERT_WEBHOOK") # a secret: only from env()
//	  format  = "slack"                     # "slack" (incoming-webhook JSON) or "json"
//	}
//	alert "pager" {
//	  command = ["/usr/local/bin/page-me", "--urgent"] # the alert as JSON on stdin
//	}
type Alert struct {
	Name string
	// Webhook is the URL alerts are POSTed to; it always names an environment
	// variable (a webhook URL is a credential).
	Webhook Secret
	// Format is "json" (the alert object, the default) or "slack" (an incoming-webhook
	// message).
	Format string
	// Command is run once per alert with the alert JSON on stdin.
	Command   []string
	DeclRange hcl.Range
}

// Alert formats.
const (
	AlertFormatJSON  = "json"
	AlertFormatSlack = "slack"
)

var alertSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "webhook"},
		{Name: "format"},
		{Name: "command"},
	},
}

// decodeAlertBlock decodes one alert block into l.cfg.Alerts.
func (l *loader) decodeAlertBlock(b *hcl.Block) {
	name := b.Labels[0]
	if !alertNameRE.MatchString(name) {
		l.errorf(b.LabelRanges[0], "Invalid alert name", "%q is not a valid alert name: use letters, digits, '-' and '_' (e.g. \"ops\").", name)
		return
	}
	for _, a := range l.cfg.Alerts {
		if a.Name == name {
			l.errorf(b.LabelRanges[0], "Duplicate alert", "The alert %q is already declared at %s.", name, rangeString(a.DeclRange))
			return
		}
	}
	c := l.content(b.Body, alertSchema)
	al := &Alert{Name: name, Format: AlertFormatJSON, DeclRange: b.DefRange}
	good := true
	wh, hasWebhook := c.Attributes["webhook"]
	cmd, hasCommand := c.Attributes["command"]
	switch {
	case hasWebhook && hasCommand:
		l.errorf(cmd.NameRange, "Conflicting alert targets", "An alert block has either webhook or command, not both: declare a second alert block for the other target.")
		return
	case !hasWebhook && !hasCommand:
		l.errorf(b.DefRange, "Missing alert target", "An alert block needs webhook = env(\"NAME\") (with format) or command = [\"program\", \"arg\", …].")
		return
	}
	if hasWebhook {
		call, isEnv := unwrapEnvCall(wh.Expr)
		if !isEnv {
			l.errorf(wh.Expr.Range(), "Webhook must come from env()",
				"A webhook URL is a credential (anyone holding it can post to the channel): write webhook = env(\"LAUNCH_ALERT_WEBHOOK\") and set that variable where watch runs.")
			return
		}
		envName, ok := l.envCallName(call)
		if !ok {
			return
		}
		al.Webhook = Secret{Env: envName}
		if f, ok := c.Attributes["format"]; ok {
			s, ok := l.str(f)
			if !ok || !l.oneOf(f.Expr.Range(), "alert format", s, []string{AlertFormatSlack, AlertFormatJSON}) {
				good = false
			}
			al.Format = s
		}
	} else {
		if f, ok := c.Attributes["format"]; ok {
			l.errorf(f.NameRange, "format applies to webhooks", "A command alert always receives the alert as JSON on stdin; remove format.")
			good = false
		}
		list, ok := l.strList(cmd)
		if !ok {
			return
		}
		if len(list) == 0 || list[0].Value == "" {
			l.errorf(cmd.Expr.Range(), "Empty alert command", "command is the program and its arguments: [\"/usr/local/bin/page-me\", \"--urgent\"].")
			return
		}
		for _, e := range list {
			al.Command = append(al.Command, e.Value)
		}
	}
	if good {
		l.cfg.Alerts = append(l.cfg.Alerts, al)
	}
}
