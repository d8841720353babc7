zone "example.com" {
  owner = "Marketing Team" # ERROR: Invalid owner
}

zone "example.org" {
  owner = "a-very-long-owner-name-over-24" # ERROR: Invalid owner
}

zone "example.net" {
  owner = "shop"
  record "api" "A" {
    value   = "203.0.113.10"
    comment = "this comment is far too long to fit next to the ownership marker within the hundred characters" # ERROR: Comment too long
  }
  record "ok" "A" {
    value   = "203.0.113.11"
    comment = "short note"
  }
}
