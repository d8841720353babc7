# ENV: LAUNCHREADY_VAR_ttl=three hundred
variable "ttl" { default = 300 } # ERROR: Invalid value for variable

zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10"
    ttl   = var.ttl
  }
}
