# security_level: the threat-score levels are accepted by Cloudflare but act no more
# (threat score always 0 since 2025-03-17); only under_attack and off say something.
zone "example.com" {
  settings {
    security_level = "medium" # WARNING: Security level has no effect
  }
}

zone "example.org" {
  settings {
    security_level = "essentially_off" # WARNING: Security level has no effect
  }
}

zone "example.net" {
  settings {
    security_level = "under_attack"
  }
}
