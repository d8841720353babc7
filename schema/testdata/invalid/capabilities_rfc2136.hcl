provider "rfc2136" "corp" {
  server          = "127.0.0.1:53"
  tsig_key        = "launch-key."
  tsig_secret_env = "LAUNCH_TSIG_SECRET"
}

zone "corp.example" {
  provider = "rfc2136.corp"
  record "@" "A" {
    value   = "192.0.2.1"
    proxied = true # ERROR: Proxying not supported
  }
  record "www" "A" {
    value   = "192.0.2.1"
    proxied = false # ERROR: Proxying not supported
  }
  record "@" "CNAME" { value = "elsewhere.example" } # ERROR: CNAME at the zone apex
  settings { # ERROR: Settings not supported
    ssl = "strict"
  }
  redirect "www" { # ERROR: Redirects not supported
    from = "https://www.corp.example/*"
    to   = "https://corp.example/$${1}"
  }
  cache "assets" { # ERROR: Cache rules not supported
    hosts = ["corp.example"]
  }
}
