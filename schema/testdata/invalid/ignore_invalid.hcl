zone "example.com" {
  ignore = [
    "_acme-challenge*",
    "legacy", 
    { name = "home", types = ["A", "AAAA"] },
    { name = "@", types = ["TXT"], value = "google-site-verification=*" },
    { name = "x", types = ["AX"] }, # ERROR: Invalid ignore types
    { types = ["A"] }, # ERROR: Invalid ignore entry
    { name = "y", colour = "red" }, # ERROR: Invalid ignore entry
    { name = "z", value = "" }, # ERROR: Invalid ignore value
    { name = "[bad" }, # ERROR: Invalid ignore pattern
  ]
  record "legacy" "A" { value = "192.0.2.1" } # ERROR: Record set both declared and ignored
  record "home" "AAAA" { value = "2001:db8::1" } # ERROR: Record set both declared and ignored
  record "home" "MX" { value = "10 mx.example.net." }
  record "@" "TXT" {
    values = [
      "v=spf1 -all",
      "google-site-verification=abc", # ERROR: Record value both declared and ignored
    ]
  }
}
