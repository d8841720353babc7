zone "example.com" {
  record "www" "CNAME" {
    values = [
      "a.example.net",
      "b.example.net", # ERROR: CNAME with several values
    ]
  }
}
