variable "origin_ip" { default = "203.0.113.10" }

zone "example.com" {
  record "@" "A" {
    value = var.orign_ip # ERROR: Reference to undeclared variable
  }
  record "www" "A" {
    value = local.ip # ERROR: Unknown variable
  }
}
