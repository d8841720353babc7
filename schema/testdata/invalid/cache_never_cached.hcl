zone "example.com" {
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
  }
  cache "everything" {
    hosts    = ["app.example.com"] # ERROR: Cache rule caches a never_cached URL
    edge_ttl = "5m"
  }
  cache "app-static" {
    hosts       = ["app.example.com"]
    path_prefix = "/static/"
    bypass      = true
  }
  check "dashboard" {
    url          = "https://app.example.com/api/me"
    never_cached = true
  }
  check "static-ok" {
    url          = "https://app.example.com/static/app.js"
    never_cached = true
  }
}
