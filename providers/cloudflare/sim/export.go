package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/launchready/launchready/model"
)

// handleExport answers GET /zones/{zone_id}/dns_records/export with a BIND zone file,
// grouped by type as Cloudflare's export is; proxied records are marked with
// "cf_tags=cf-proxied:true" and comments follow a ";".
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		s.mu.Unlock()
		writeError(w, e)
		return
	}
	text := exportZone(z)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(text))
}

func exportZone(z *zone) string {
	var b strings.Builder
	fmt.Fprintf(&b, ";;\n;; Domain:     %s.\n;; Exported by the launchready Cloudflare API simulator.\n;;\n", z.Name)
	fmt.Fprintf(&b, "$ORIGIN %s.\n\n;; SOA Record\n", z.Name)
	fmt.Fprintf(&b, "%s.\t3600\tIN\tSOA\t%s. dns.cloudflare.com. %d 10000 2400 604800 3600\n", z.Name, nameServers[0], z.Serial)

	byType := map[string][]*record{}
	for _, r := range z.Records {
		byType[r.Type] = append(byType[r.Type], r)
	}
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		rs := byType[t]
		sort.SliceStable(rs, func(i, j int) bool {
			if rs[i].Name != rs[j].Name {
				return rs[i].Name < rs[j].Name
			}
			return rs[i].Content < rs[j].Content
		})
		fmt.Fprintf(&b, "\n;; %s Records\n", t)
		for _, r := range rs {
			fmt.Fprintf(&b, "%s.\t%d\tIN\t%s\t%s", r.Name, r.TTL, r.Type, rdata(r))
			if r.Comment != "" {
				fmt.Fprintf(&b, " ; %s", r.Comment)
			}
			if r.Proxied {
				b.WriteString(" ; cf_tags=cf-proxied:true")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// rdata writes a record's data in zone-file presentation form.
func rdata(r *record) string {
	fqdn := func(h string) string {
		if h == "." {
			return h
		}
		return h + "."
	}
	switch r.Type {
	case "CNAME", "NS", "PTR":
		return fqdn(r.Content)
	case "MX":
		return fmt.Sprintf("%d %s", *r.Priority, fqdn(r.Content))
	case "SRV":
		return fmt.Sprintf("%d %d %d %s", r.SRV.Priority, r.SRV.Weight, r.SRV.Port, fqdn(r.SRV.Target))
	case "TXT":
		if _, ok := quotedChunks(r.Content); ok {
			return r.Content
		}
		return model.QuoteTXT(r.Content)
	default:
		return r.Content
	}
}
