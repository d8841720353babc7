zone "example.com" {
  check "scheme" {
    url = "ftp://example.com/file" # ERROR: Invalid check URL
  }
  check "method" {
    url    = "https://example.com/"
    method = "FETCH" # ERROR: Invalid HTTP method
  }
  check "ranges" {
    url            = "https://example.com/"
    expect_status  = 700 # ERROR: Invalid expect_status
    requests       = 0 # ERROR: Invalid requests
    p95_ms         = 0 # ERROR: Invalid p95_ms
    max_error_rate = 1.5 # ERROR: Invalid max_error_rate
  }
  check "concurrency" {
    url         = "https://example.com/"
    requests    = 5
    concurrency = 10 # ERROR: Invalid concurrency
  }
  check "headers" {
    url = "https://example.com/"
    headers = {
      "Bad Header" = "x" # ERROR: Invalid header name
      Accept       = "text/html"
      accept       = "text/plain" # ERROR: Duplicate header
    }
  }
  check "missing" { # ERROR: Missing required argument
    method = "GET"
  }
  check "fragment" {
    url = "https://example.com/#top" # ERROR: Invalid check URL
  }
  check "fragment" { # ERROR: Duplicate check block
    url = "https://example.com/"
  }
}
