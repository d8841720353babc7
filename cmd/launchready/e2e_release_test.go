package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The release targets .goreleaser.yaml must build, and the names scripts/install.sh
// downloads.
var releaseTargets = []struct{ os, arch string }{
	{"linux", "amd64"}, {"linux", "arm64"}, {"darwin", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"}, {"windows", "arm64"},
}

func archiveName(version, goos, goarch string) string {
	ext := "tar.gz"
	if goos == "windows" {
		ext = "zip"
	}
	return fmt.Sprintf("launchready_%s_%s_%s.%s", version, goos, goarch, ext)
}

func checksumsName(version string) string { return "launchready_" + version + "_checksums.txt" }

// releaseDist returns the snapshot release directory CI built (.ci/run sets
// LAUNCHREADY_RELEASE_DIST), or skips on a developer machine. Under CI=true a missing
// snapshot fails the test: CI must build it.
func releaseDist(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LAUNCHREADY_RELEASE_DIST")
	if dir == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("LAUNCHREADY_RELEASE_DIST is not set under CI=true: .ci/run must build the snapshot release first (go tool goreleaser release --snapshot)")
		}
		t.Skip("LAUNCHREADY_RELEASE_DIST not set: build a snapshot with `go tool goreleaser release --snapshot --clean --skip=docker` and set it to dist/ (CI does)")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// snapshotVersion reads the version goreleaser gave the snapshot from metadata.json.
func snapshotVersion(t *testing.T, dist string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		t.Fatalf("the snapshot has no metadata.json: %v", err)
	}
	var md struct {
		ProjectName string `json:"project_name"`
		Version     string `json:"version"`
	}
	if err := json.Unmarshal(b, &md); err != nil {
		t.Fatal(err)
	}
	if md.ProjectName != "launchready" || md.Version == "" {
		t.Fatalf("metadata.json: project %q version %q", md.ProjectName, md.Version)
	}
	return md.Version
}

// parseChecksums reads a goreleaser checksums file: "<sha256>  <name>" lines.
func parseChecksums(t *testing.T, data []byte) map[string]string {
	t.Helper()
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 || len(f[0]) != 64 {
			t.Fatalf("malformed checksums line %q", sc.Text())
		}
		out[f[1]] = f[0]
	}
	return out
}

// extractFile returns the named file of a .tar.gz or .zip archive, and the names of
// all its files.
func extractFile(t *testing.T, archive, name string) ([]byte, []string) {
	t.Helper()
	var names []string
	var found []byte
	if strings.HasSuffix(archive, ".zip") {
		zr, err := zip.OpenReader(archive)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			names = append(names, f.Name)
			if f.Name == name {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				found, _ = io.ReadAll(rc)
				rc.Close()
			}
		}
		return found, names
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Name == name {
			found, _ = io.ReadAll(tr)
		}
	}
	return found, names
}

// TestReleaseSnapshot checks the snapshot release CI built with goreleaser: every
// archive of every target, each listed in the checksums file with its SHA-256, and
// the linux/amd64 binary extracted from its archive runs `version` (stamped with the
// snapshot's version and the commit) and `validate` on launch.hcl.example.
func TestReleaseSnapshot(t *testing.T) {
	dist := releaseDist(t)
	version := snapshotVersion(t, dist)
	sumsData, err := os.ReadFile(filepath.Join(dist, checksumsName(version)))
	if err != nil {
		t.Fatalf("no checksums file: %v", err)
	}
	sums := parseChecksums(t, sumsData)
	for _, tg := range releaseTargets {
		name := archiveName(version, tg.os, tg.arch)
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Errorf("%s/%s: no archive: %v", tg.os, tg.arch, err)
			continue
		}
		sum := sha256.Sum256(data)
		if sums[name] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: checksums file says %q, the archive is %x", name, sums[name], sum)
		}
		bin := "launchready"
		if tg.os == "windows" {
			bin = "launchready.exe"
		}
		b, names := extractFile(t, filepath.Join(dist, name), bin)
		if len(b) == 0 {
			t.Errorf("%s holds no %s (files: %v)", name, bin, names)
		}
		for _, want := range []string{"README.md", "launch.hcl.example"} {
			if !slices.Contains(names, want) {
				t.Errorf("%s lacks %s (files: %v)", name, want, names)
			}
		}
	}
	if len(sums) != len(releaseTargets) {
		t.Errorf("the checksums file lists %d files, want the %d archives: %v", len(sums), len(releaseTargets), sums)
	}

	// Run the linux/amd64 binary from its archive.
	b, _ := extractFile(t, filepath.Join(dist, archiveName(version, "linux", "amd64")), "launchready")
	bin := filepath.Join(t.TempDir(), "launchready")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "version", "--json").Output()
	if err != nil {
		t.Fatalf("the released binary does not run: %v", err)
	}
	var info map[string]string
	if err := json.Unmarshal(out, &info); err != nil {
		t.Fatalf("version --json: %v\n%s", err, out)
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	if info["version"] != version || info["commit"] != strings.TrimSpace(string(head)) || info["date"] == "unknown" || info["platform"] != "linux/amd64" {
		t.Errorf("the release binary's version is not stamped: %v (want version %s, commit %s)", info, version, strings.TrimSpace(string(head)))
	}
	cmd := exec.Command(bin, "validate", "--config", "../../launch.hcl.example")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "is valid") {
		t.Errorf("the release binary's validate on launch.hcl.example: %v\n%s", err, out)
	}
}

// fakeRelease is what a releases page serves: a version and its files.
type fakeRelease struct {
	version string
	files   map[string][]byte
}

// releaseServer serves rel on loopback the way GitHub's releases pages do:
// /releases/latest redirects to /releases/tag/v<version>, assets are under
// /releases/download/v<version>/.
func releaseServer(t *testing.T, rel *fakeRelease) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/releases/latest":
			http.Redirect(w, r, "/releases/tag/v"+rel.version, http.StatusFound)
		case r.URL.Path == "/releases/tag/v"+rel.version:
			fmt.Fprintln(w, "release page")
		case strings.HasPrefix(r.URL.Path, "/releases/download/v"+rel.version+"/"):
			data, ok := rel.files[strings.TrimPrefix(r.URL.Path, "/releases/download/v"+rel.version+"/")]
			if !ok {
				http.NotFound(w, r)
				return
			}
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/releases"
}

// linuxAMD64Release returns the snapshot's linux/amd64 archive and checksums file
// when CI built one, otherwise a release made here from the test binary.
func linuxAMD64Release(t *testing.T) *fakeRelease {
	t.Helper()
	if dist := os.Getenv("LAUNCHREADY_RELEASE_DIST"); dist != "" {
		version := snapshotVersion(t, dist)
		rel := &fakeRelease{version: version, files: map[string][]byte{}}
		for _, name := range []string{archiveName(version, "linux", "amd64"), checksumsName(version)} {
			b, err := os.ReadFile(filepath.Join(dist, name))
			if err != nil {
				t.Fatal(err)
			}
			rel.files[name] = b
		}
		return rel
	}
	version := "0.0.0-test"
	bin, err := os.ReadFile(binPath)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		data []byte
		mode int64
	}{{"README.md", []byte("readme\n"), 0o644}, {"launchready", bin, 0o755}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.data)
	}
	tw.Close()
	gz.Close()
	name := archiveName(version, "linux", "amd64")
	sum := sha256.Sum256(buf.Bytes())
	other := sha256.Sum256([]byte("another archive"))
	sums := fmt.Sprintf("%x  %s\n%x  %s\n", other, archiveName(version, "darwin", "arm64"), sum, name)
	return &fakeRelease{version: version, files: map[string][]byte{name: buf.Bytes(), checksumsName(version): []byte(sums)}}
}

// runInstall runs scripts/install.sh as action.yml does, with the releases at base.
func runInstall(t *testing.T, base, version string, extraEnv ...string) (code int, out, installDir, ghPath, ghOutput string) {
	t.Helper()
	for _, tool := range []string{"bash", "curl", "tar", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is needed to test scripts/install.sh: %v", tool, err)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	tmp := t.TempDir()
	installDir = filepath.Join(tmp, "bin")
	ghPath, ghOutput = filepath.Join(tmp, "github_path"), filepath.Join(tmp, "github_output")
	cmd := exec.Command("bash", "../../scripts/install.sh")
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + tmp,
		"LAUNCHREADY_RELEASES_URL=" + base, "LAUNCHREADY_VERSION=" + version,
		"LAUNCHREADY_INSTALL_DIR=" + installDir, "RUNNER_OS=Linux", "RUNNER_ARCH=X64",
		"GITHUB_PATH=" + ghPath, "GITHUB_OUTPUT=" + ghOutput,
	}, extraEnv...)
	b, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(b), installDir, ghPath, ghOutput
}

// TestInstallScript exercises the Action's install logic (scripts/install.sh) against
// a loopback releases server: latest and pinned versions install a verified binary
// that runs and is put on PATH; a tampered archive, an archive missing from the
// checksums file and a plain-http remote server are refused, and nothing is
// installed then.
func TestInstallScript(t *testing.T) {
	rel := linuxAMD64Release(t)
	base := releaseServer(t, rel)
	archive := archiveName(rel.version, "linux", "amd64")

	for _, v := range []string{"latest", "v" + rel.version, rel.version} {
		t.Run("version "+v, func(t *testing.T) {
			code, out, dir, ghPath, ghOut := runInstall(t, base, v)
			if code != 0 {
				t.Fatalf("install failed (exit %d):\n%s", code, out)
			}
			if !strings.Contains(out, archive+" matches "+checksumsName(rel.version)) {
				t.Errorf("the install does not report the verification:\n%s", out)
			}
			got, err := exec.Command(filepath.Join(dir, "launchready"), "version").Output()
			if err != nil || !strings.HasPrefix(string(got), "launchready ") {
				t.Errorf("the installed binary does not run: %v\n%s", err, got)
			}
			if p, _ := os.ReadFile(ghPath); strings.TrimSpace(string(p)) != dir {
				t.Errorf("GITHUB_PATH = %q, want %s", p, dir)
			}
			if o, _ := os.ReadFile(ghOut); !strings.Contains(string(o), "version="+rel.version+"\n") || !strings.Contains(string(o), "path="+filepath.Join(dir, "launchready")) {
				t.Errorf("GITHUB_OUTPUT = %q", o)
			}
		})
	}

	refused := func(t *testing.T, base, version, want string, env ...string) {
		t.Helper()
		code, out, dir, ghPath, _ := runInstall(t, base, version, env...)
		if code == 0 {
			t.Fatalf("install succeeded, want it refused:\n%s", out)
		}
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "launchready")); err == nil {
			t.Errorf("a binary was installed anyway")
		}
		if _, err := os.Stat(ghPath); err == nil {
			t.Errorf("GITHUB_PATH was written anyway")
		}
	}

	t.Run("tampered archive", func(t *testing.T) {
		bad := &fakeRelease{version: rel.version, files: map[string][]byte{}}
		for k, v := range rel.files {
			bad.files[k] = v
		}
		tampered := bytes.Clone(rel.files[archive])
		tampered[len(tampered)/2] ^= 0xff
		bad.files[archive] = tampered
		refused(t, releaseServer(t, bad), "latest", "checksum mismatch for "+archive)
	})
	t.Run("archive not in the checksums file", func(t *testing.T) {
		bad := &fakeRelease{version: rel.version, files: map[string][]byte{archive: rel.files[archive]}}
		var kept []string
		for _, line := range strings.Split(string(rel.files[checksumsName(rel.version)]), "\n") {
			if !strings.HasSuffix(line, archive) {
				kept = append(kept, line)
			}
		}
		bad.files[checksumsName(rel.version)] = []byte(strings.Join(kept, "\n"))
		refused(t, releaseServer(t, bad), "latest", "does not list "+archive)
	})
	t.Run("no such version", func(t *testing.T) {
		refused(t, base, "9.9.9", "cannot download")
	})
	t.Run("plain http to a remote host", func(t *testing.T) {
		refused(t, "http://releases.example.invalid/releases", "latest", "must be https")
	})
}

// TestReleaseConfig lints what cannot be built here (no docker daemon) or only in CI:
// the Dockerfile's instructions, .goreleaser.yaml against install.sh's asset names and
// the buildinfo stamps, and action.yml's wiring to the install script.
func TestReleaseConfig(t *testing.T) {
	t.Run("Dockerfile", func(t *testing.T) {
		src, err := os.ReadFile("../../Dockerfile")
		if err != nil {
			t.Fatal(err)
		}
		ins := dockerInstructions(string(src))
		var from, user, entrypoint string
		var copies []string
		for _, in := range ins {
			switch in.op {
			case "FROM":
				from, user = strings.Fields(in.args)[0], "" // a new stage starts as root
			case "USER":
				user = in.args
			case "ENTRYPOINT":
				entrypoint = in.args
			case "COPY":
				copies = append(copies, in.args)
			case "ADD":
				if strings.Contains(in.args, "://") {
					t.Errorf("ADD of a URL: %s", in.args)
				}
			}
		}
		if !strings.HasPrefix(from, "gcr.io/distroless/static") && from != "scratch" {
			t.Errorf("final image FROM %s: want a static base (distroless/static or scratch)", from)
		}
		if from == "scratch" && !strings.Contains(strings.Join(copies, " "), "ca-certificates") {
			t.Errorf("a scratch image needs CA certificates copied in")
		}
		uid := strings.Split(user, ":")[0]
		if user == "" || uid == "root" || uid == "0" {
			t.Errorf("the final stage runs as %q: want a non-root USER", user)
		}
		var ep []string
		if err := json.Unmarshal([]byte(entrypoint), &ep); err != nil || len(ep) == 0 || filepath.Base(ep[0]) != "launchready" {
			t.Errorf("ENTRYPOINT %q: want the exec form running launchready", entrypoint)
		}
		if !slices.Contains(copies, "$TARGETPLATFORM/launchready /usr/bin/launchready") || len(ep) == 0 || ep[0] != "/usr/bin/launchready" {
			t.Errorf("the image must copy goreleaser's binary ($TARGETPLATFORM/launchready) to the ENTRYPOINT's path; COPY %v", copies)
		}
	})

	var gr struct {
		ProjectName string `yaml:"project_name"`
		Builds      []struct {
			Main    string   `yaml:"main"`
			Env     []string `yaml:"env"`
			Goos    []string `yaml:"goos"`
			Goarch  []string `yaml:"goarch"`
			Ldflags []string `yaml:"ldflags"`
		} `yaml:"builds"`
		Archives []struct {
			NameTemplate string `yaml:"name_template"`
			Formats      []string
		} `yaml:"archives"`
		Checksum struct {
			NameTemplate string `yaml:"name_template"`
			Algorithm    string `yaml:"algorithm"`
		} `yaml:"checksum"`
		DockersV2 []struct {
			Dockerfile string   `yaml:"dockerfile"`
			Platforms  []string `yaml:"platforms"`
		} `yaml:"dockers_v2"`
	}
	b, err := os.ReadFile("../../.goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &gr); err != nil {
		t.Fatal(err)
	}
	if gr.ProjectName != "launchready" || len(gr.Builds) != 1 || len(gr.Archives) != 1 || len(gr.DockersV2) != 1 {
		t.Fatalf(".goreleaser.yaml: want project launchready, one build, one archive, one image: %+v", gr)
	}
	bd := gr.Builds[0]
	if bd.Main != "./cmd/launchready" || !slices.Contains(bd.Env, "CGO_ENABLED=0") {
		t.Errorf("build: main %q env %v (want ./cmd/launchready, static)", bd.Main, bd.Env)
	}
	for _, tg := range releaseTargets {
		if !slices.Contains(bd.Goos, tg.os) || !slices.Contains(bd.Goarch, tg.arch) {
			t.Errorf("build lacks %s/%s", tg.os, tg.arch)
		}
	}
	ld := strings.Join(bd.Ldflags, " ")
	for _, v := range []string{"version={{ .Version }}", "commit={{ .FullCommit }}", "date={{ .Date }}"} {
		if !strings.Contains(ld, "-X github.com/launchready/launchready/internal/buildinfo."+v) {
			t.Errorf("ldflags do not stamp buildinfo.%s: %s", v, ld)
		}
	}
	// install.sh downloads launchready_<version>_<os>_<arch>.<ext> and
	// launchready_<version>_checksums.txt.
	if gr.Archives[0].NameTemplate != "{{ .ProjectName }}_{{ .Version }}_{{ .Os }}_{{ .Arch }}" ||
		gr.Checksum.NameTemplate != "{{ .ProjectName }}_{{ .Version }}_checksums.txt" || gr.Checksum.Algorithm != "sha256" {
		t.Errorf("archive or checksums names changed; scripts/install.sh must follow: %+v %+v", gr.Archives[0], gr.Checksum)
	}
	script, err := os.ReadFile("../../scripts/install.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`archive="launchready_${version}_${os}_${arch}.${ext}"`, `sums="launchready_${version}_checksums.txt"`} {
		if !strings.Contains(string(script), want) {
			t.Errorf("scripts/install.sh lacks %s", want)
		}
	}
	if d := gr.DockersV2[0]; d.Dockerfile != "Dockerfile" || !slices.Contains(d.Platforms, "linux/amd64") || !slices.Contains(d.Platforms, "linux/arm64") {
		t.Errorf("dockers_v2: %+v", d)
	}

	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Shell string `yaml:"shell"`
				Run   string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	b, err = os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" || action.Inputs["version"].Default != "latest" {
		t.Errorf("action.yml: using %q, version default %q", action.Runs.Using, action.Inputs["version"].Default)
	}
	if len(action.Runs.Steps) != 1 || action.Runs.Steps[0].Shell != "bash" || !strings.Contains(action.Runs.Steps[0].Run, `"$GITHUB_ACTION_PATH/scripts/install.sh"`) {
		t.Errorf("action.yml must run scripts/install.sh with bash: %+v", action.Runs.Steps)
	}
}

// dockerInstruction is one Dockerfile instruction.
type dockerInstruction struct{ op, args string }

// dockerInstructions parses a Dockerfile's instructions: comments and blank lines
// dropped, backslash continuations joined.
func dockerInstructions(src string) []dockerInstruction {
	var out []dockerInstruction
	var cur strings.Builder
	flush := func() {
		line := strings.TrimSpace(cur.String())
		cur.Reset()
		if line == "" {
			return
		}
		op, args, _ := strings.Cut(line, " ")
		out = append(out, dockerInstruction{op: strings.ToUpper(op), args: strings.TrimSpace(args)})
	}
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur.WriteString(strings.TrimSuffix(t, "\\") + " ")
			continue
		}
		cur.WriteString(t)
		flush()
	}
	flush()
	return out
}
