package schema

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical HCL formatting (hclwrite's: aligned equals signs,
// two-space indentation, normalised spacing), the form `launchready fmt` writes.
// filename is used in diagnostics. Source with syntax errors is not formatted: the
// diagnostics are returned with a nil result. Formatting is idempotent.
func Format(src []byte, filename string) ([]byte, hcl.Diagnostics) {
	if diags := checkSource(filename, src); diags.HasErrors() {
		return nil, diags
	}
	_, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	return hclwrite.Format(src), diags
}
