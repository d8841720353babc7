zone "example.com" {
  record "@" "TXT" {
    values = [
      "google-site-verification=abc",
      "v=spf1 include:_spf.google.com ~all", # ERROR: Several SPF records
    ]
  }
  email {
    spf {
      include = ["sendgrid.net"]
    }
  }
}
