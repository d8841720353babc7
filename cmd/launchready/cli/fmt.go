package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/schema"
)

func newFmtCmd(e *env) *cobra.Command {
	var check bool
	cmd := &cobra.Command{
		Use:   "fmt [--check] [FILE...]",
		Short: "Rewrite config files in canonical HCL format",
		Long:  "fmt rewrites each FILE (default: the --config file) in canonical format. With --check nothing is written: it lists files that need formatting and exits 3 if any do.",
		RunE: func(cmd *cobra.Command, files []string) error {
			if len(files) == 0 {
				files = []string{e.configPath}
			}
			unformatted := 0
			for _, f := range files {
				src, err := schema.ReadConfigFile(f) // a file over the limit is refused by Format, not read whole
				if err != nil {
					return exitCode(ExitError, err)
				}
				out, diags := schema.Format(src, f)
				if diags.HasErrors() {
					printDiagnostics(e.stderr, diags)
					return exitCode(ExitError, fmt.Errorf("%s has syntax errors; not formatted", f))
				}
				if bytes.Equal(src, out) {
					continue
				}
				unformatted++
				if check {
					fmt.Fprintln(e.stdout, f)
					continue
				}
				// Write through a symlink to the file it names (renaming over the link
				// would replace the link with a regular file and leave the target as is).
				target, err := filepath.EvalSymlinks(f)
				if err != nil {
					return exitCode(ExitError, err)
				}
				st, err := os.Stat(target)
				if err != nil {
					return exitCode(ExitError, err)
				}
				if err := writeFileAtomic(target, out, st.Mode().Perm()); err != nil {
					return exitCode(ExitError, err)
				}
				fmt.Fprintln(e.stdout, f)
			}
			if check && unformatted > 0 {
				return exitCode(ExitUnformatted, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "only report files that are not formatted (exit 3)")
	return cmd
}

// writeFileAtomic writes data to a temporary file beside path and renames it over
// path, so an interrupted write never leaves a half-written config.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".launchready-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(name)
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Chmod(name, perm); err != nil {
		os.Remove(name)
		return err
	}
	return os.Rename(name, path)
}
