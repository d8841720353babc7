zone "example.com" {
  record "@" "A" {
    value = env("ORIGIN_IP") # ERROR: env() not allowed here
  }
  record "@" "TXT" {
    values = ["a", "prefix-${env("SUFFIX")}"] # ERROR: env() not allowed here
  }
  check "bad-env" {
    url = "https://example.com/"
    headers = {
      Authorization = env("not a name") # ERROR: Invalid environment variable name
      "X-Token"     = env("A", "B") # ERROR: Invalid env() call
      Accept        = upper(env("ACCEPT")) # ERROR: env() not allowed here
    }
  }
}
