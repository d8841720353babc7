zone "example.com" {
  record "@" "A" {
    value = "300.1.1.1" # ERROR: Invalid A value
  }
  record "v6" "AAAA" {
    values = [
      "2001:db8::1",
      "192.0.2.1", # ERROR: Invalid AAAA value
      "fe80::1%eth0", # ERROR: Invalid AAAA value
    ]
  }
  record "mixed" "A" {
    values = ["192.0.2.1", "2001:db8::1"] # ERROR: Invalid A value
  }
  record "mail" "MX" {
    values = [
      "mx1.example.net.", # ERROR: Invalid MX value
      "70000 mx2.example.net.", # ERROR: Invalid MX value
    ]
  }
  record "_sip._tcp" "SRV" {
    value = "10 5 sip.example.com." # ERROR: Invalid SRV value
  }
  record "@" "CAA" {
    value = "0 issue" # ERROR: Invalid CAA value
  }
  record "alias" "CNAME" {
    value = "two words" # ERROR: Invalid CNAME value
  }
  record "empty" "TXT" {
    value = "" # ERROR: Invalid TXT value
  }
}
zone "example.org" {
  record "long" "TXT" {
    value = join("", [for i in range(205) : "0123456789"]) # ERROR: TXT value too long
  }
  record "fits" "TXT" {
    value = join("", [for i in range(200) : "0123456789"])
  }
}
