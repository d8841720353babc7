package schema

import (
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variable is a declared `variable "<name>"` block and its resolved value.
type variable struct {
	Name        string
	Default     cty.Value // cty.NilVal when there is no default
	Description string
	Value       cty.Value // resolved; cty.NilVal when unresolved
	// broken is set when the block was already reported as invalid.
	broken    bool
	DeclRange hcl.Range
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "default"},
		{Name: "description"},
	},
}

// decodeVariableBlock reads a `variable` block. Defaults are evaluated without
// variables (a default cannot depend on another variable), with functions.
func (l *loader) decodeVariableBlock(b *hcl.Block) {
	name := b.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		l.errorf(b.LabelRanges[0], "Invalid variable name",
			"A variable name starts with a letter and holds letters, digits, underscores and dashes.")
		return
	}
	if first, dup := l.vars[name]; dup {
		l.errorf(b.LabelRanges[0], "Duplicate variable",
			"The variable %q is already declared at %s.", name, rangeString(first.DeclRange))
		return
	}
	v := &variable{Name: name, DeclRange: b.DefRange}
	l.vars[name] = v
	c := l.content(b.Body, variableSchema)
	defCtx := &hcl.EvalContext{Functions: functions()}
	if a, ok := c.Attributes["default"]; ok {
		if len(a.Expr.Variables()) > 0 {
			v.broken = true
			l.errorf(a.Expr.Range(), "Variable default uses a reference",
				"A default must be a constant value (functions are allowed, references are not).")
		} else if len(envCalls(a.Expr)) > 0 {
			v.broken = true
			for _, call := range envCalls(a.Expr) {
				l.errorf(call.Range(), "env() not allowed here",
					"A variable default is part of the reviewed configuration. Set the variable from the environment with %s%s instead.", VarEnvPrefix, name)
			}
		} else {
			val, diags := a.Expr.Value(defCtx)
			l.diags = append(l.diags, diags...)
			if !diags.HasErrors() {
				v.Default = val
			} else {
				v.broken = true
			}
		}
	}
	if a, ok := c.Attributes["description"]; ok {
		val, diags := a.Expr.Value(defCtx)
		l.diags = append(l.diags, diags...)
		if !diags.HasErrors() {
			if s, err := convert.Convert(val, cty.String); err == nil && !s.IsNull() {
				v.Description = s.AsString()
			} else {
				l.errorf(a.Expr.Range(), "Incorrect value type", "A variable description is a string.")
			}
		}
	}
}

// resolveVariables sets each variable's value: its default, overridden by
// LAUNCHREADY_VAR_<name>, overridden by --var. A --var for a name no block declares is
// an error, and so is a variable left without any value.
func (l *loader) resolveVariables() {
	var unknown []string
	for name := range l.opts.Vars {
		if _, ok := l.vars[name]; !ok {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		l.diags = append(l.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Value for undeclared variable",
			Detail: "--var " + name + "=… sets a variable that no `variable` block declares." +
				didYouMean(name, l.varNames()) + " Declare it with `variable \"" + name + "\" {}` or remove the --var.",
		})
	}
	for _, name := range l.varNames() {
		v := l.vars[name]
		v.Value = v.Default
		source := ""
		if l.opts.LookupEnv != nil {
			if raw, ok := l.opts.LookupEnv(VarEnvPrefix + name); ok {
				v.Value = l.overrideValue(v, raw, "the environment variable "+VarEnvPrefix+name, VarEnvPrefix+name)
				source = "env"
			}
		}
		if raw, ok := l.opts.Vars[name]; ok {
			v.Value = l.overrideValue(v, raw, "--var "+name, "--var "+name)
			source = "var"
		}
		if v.Value == cty.NilVal && source == "" && !v.broken {
			l.errorf(v.DeclRange, "No value for variable",
				"The variable %q has no default. Set it with --var %s=VALUE or the environment variable %s%s.", name, name, VarEnvPrefix, name)
		}
	}
}

// overrideValue turns a --var or environment string into a value of the default's
// type: strings are taken as they are; other types (numbers, bools, lists) are parsed
// as an HCL expression, the way Terraform reads -var for complex types, after the
// input limits of a configuration file (checkValue). filename names the value in
// diagnostics ("--var ttl", "LAUNCHREADY_VAR_ttl").
func (l *loader) overrideValue(v *variable, raw, from, filename string) cty.Value {
	if v.Default == cty.NilVal || v.Default.IsNull() || v.Default.Type() == cty.String {
		return cty.StringVal(raw)
	}
	if diags := checkValue(filename, from, v.Name, []byte(raw)); diags.HasErrors() {
		l.diags = append(l.diags, diags...)
		return cty.NilVal
	}
	expr, diags := hclsyntax.ParseExpression([]byte(raw), filename, hcl.InitialPos)
	if !diags.HasErrors() && len(expr.Variables()) == 0 {
		val, vd := expr.Value(&hcl.EvalContext{Functions: functions()})
		if !vd.HasErrors() {
			want := v.Default.Type()
			switch {
			case want.IsTupleType() && (val.Type().IsTupleType() || val.Type().IsListType()):
				return val // a list default: any list
			case want.IsObjectType() && (val.Type().IsObjectType() || val.Type().IsMapType()):
				return val // a map default: any map
			}
			if conv, err := convert.Convert(val, want); err == nil {
				return conv
			}
		}
	}
	l.errorf(v.DeclRange, "Invalid value for variable",
		"The value given by %s does not fit the variable %q, whose default is a %s. Write it as an HCL value of that type.",
		from, v.Name, friendlyType(v.Default.Type()))
	return cty.NilVal
}

// varObject is the `var` object of the evaluation context. Unresolved variables are
// left out, so references to them fail where they are used.
func (l *loader) varObject() cty.Value {
	m := map[string]cty.Value{}
	for name, v := range l.vars {
		if v.Value != cty.NilVal {
			m[name] = v.Value
		} else {
			m[name] = cty.DynamicVal
		}
	}
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// friendlyType names a value type the way launch.hcl users write it.
func friendlyType(t cty.Type) string {
	switch {
	case t.IsTupleType() || t.IsListType() || t.IsSetType():
		return "list"
	case t.IsObjectType() || t.IsMapType():
		return "map"
	}
	return t.FriendlyName()
}
