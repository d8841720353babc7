# Variables and cty standard-library functions in expressions.
variable "env" { default = "prod" }
variable "hosts" { default = ["a", "b"] }
variable "network" { default = "203.0.113.0/24" }
variable "ttl" { default = 300 }

zone "example.com" {
  record "prod-api" "A" {
    values = [cidrhost(var.network, 5), cidrhost(var.network, -2)]
    ttl    = var.ttl
  }
  record "v6" "AAAA" { value = cidrhost("2001:db8::/64", 16) }
  record "@" "TXT" {
    values = [
      upper("shout"),
      lower("WHISPER"),
      join(",", var.hosts),
      format("%s-%03d", var.env, 7),
      replace("a.b.c", ".", "-"),
      join("+", concat(split(",", "x,y"), ["z"])),
      trimspace("  padded  "),
      tostring(length(var.hosts)),
    ]
  }
}
