# SPF records written in record blocks are checked like the email block's spf.
zone "example.com" {
  record "@" "TXT" { value = "v=spf1 foo:bar ip4:300.1.1.1 +all" } # ERROR: Invalid SPF record
  record "mail" "TXT" { value = "v=spf1 redirect=_spf.example.com redirect=_spf.example.net" } # ERROR: Invalid SPF record
  record "shop" "TXT" {
    values = [
      "shop-verification=ok",
      "v=spf1 a/33 include:nodot -all", # ERROR: Invalid SPF record
    ]
  }
  record "legacy" "TXT" { value = "v=spf1 ptr ?all" } # WARNING: SPF record warning
  record "open" "TXT" { value = "v=spf1 ip4:0.0.0.0/0 -all" } # ERROR: Invalid SPF record
  record "busy" "TXT" {
    value = "v=spf1 include:a.example.net include:b.example.net include:c.example.net include:d.example.net include:e.example.net include:f.example.net include:g.example.net include:h.example.net include:i.example.net include:j.example.net include:k.example.net -all" # ERROR: Invalid SPF record
  }
}
