package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// CustomerOrg is a customer organization the demo adds to the ones the demo
// roster already has, with its people.
type CustomerOrg struct {
	Name, Domain, Region, Plan, Tier, TimeZone, Details string
	SharedTickets                                       bool
	People                                              []Person
}

// Person is a customer user of a CustomerOrg.
type Person struct{ Name, Email, TimeZone string }

// orgSpecs are the demo's extra customer organizations: every region, both
// plans and the three tiers (the SLA policies select on the tier).
var orgSpecs = []struct {
	name, domain, region, plan, tier, tz, details string
	people                                        int
	shared                                        bool
}{
	{"Northwind Logistics", "northwind.example", "AMER", "saas", "premium", "America/Chicago", "Fleet telematics; 600 seats on SaaS, heavy CI usage.", 4, true},
	{"Bluepeak Software", "bluepeak.example", "AMER", "self_managed", "ultimate", "America/Los_Angeles", "Self-managed 3-node HA on AWS, 2,400 seats.", 5, true},
	{"Cascadia Health", "cascadia-health.example", "AMER", "self_managed", "premium", "America/Los_Angeles", "Air-gapped installation, HIPAA environment.", 3, false},
	{"Lumen Analytics", "lumen.example", "AMER", "saas", "free", "America/New_York", "Startup on the free tier.", 2, false},
	{"Redwood Financial", "redwood.example", "AMER", "self_managed", "ultimate", "America/New_York", "Bank; Kubernetes (OpenShift) deployment, change freeze in December.", 4, true},
	{"Maple Leaf Telecom", "mapleleaf.example", "AMER", "self_managed", "premium", "America/Toronto", "Single large node, 1,100 seats.", 3, false},
	{"Pampas Retail", "pampas.example", "AMER", "saas", "free", "America/Sao_Paulo", "E-commerce team, free tier.", 2, false},
	{"Fjord Maritime", "fjord.example", "EMEA", "self_managed", "premium", "Europe/Oslo", "Shipping; Geo secondary in Singapore.", 3, false},
	{"Brightline Rail", "brightline.example", "EMEA", "saas", "ultimate", "Europe/London", "SaaS ultimate, 900 seats, security dashboards.", 5, true},
	{"Kessler Automotive", "kessler.example", "EMEA", "self_managed", "ultimate", "Europe/Berlin", "Embedded software, 3,000 seats, large monorepos.", 5, true},
	{"Sable Media", "sable.example", "EMEA", "saas", "free", "Europe/Paris", "Agency, free tier.", 2, false},
	{"Dunmore Insurance", "dunmore.example", "EMEA", "self_managed", "premium", "Europe/Dublin", "Linux package on VMware, LDAP sign-in.", 3, false},
	{"Atlas Payments", "atlas-pay.example", "EMEA", "saas", "premium", "Europe/Amsterdam", "PCI environment, SAML SSO with SCIM.", 4, true},
	{"Tessera Games", "tessera.example", "EMEA", "saas", "premium", "Europe/Warsaw", "Game studio, large LFS repositories.", 3, false},
	{"Sakura Robotics", "sakura-robotics.example", "APAC", "self_managed", "ultimate", "Asia/Tokyo", "Robotics firmware, GPU runners.", 4, true},
	{"Koala Cloud", "koala.example", "APAC", "saas", "premium", "Australia/Melbourne", "Managed hosting provider.", 3, false},
	{"Lotus Commerce", "lotus.example", "APAC", "saas", "free", "Asia/Kolkata", "Marketplace startup, free tier.", 2, false},
	{"Harbour Bank", "harbour.example", "APAC", "self_managed", "premium", "Asia/Singapore", "Regulated; offline license, no internet access.", 4, true},
	{"Kiwi Energy", "kiwi-energy.example", "APAC", "saas", "premium", "Pacific/Auckland", "Utilities, SaaS premium.", 3, false},
	{"Seoul Mobility", "seoul-mobility.example", "APAC", "self_managed", "premium", "Asia/Seoul", "Automotive software, Kubernetes runners.", 3, false},
}

var (
	firstNames = map[string][]string{
		"AMER": {"Emily", "Marcus", "Olivia", "Diego", "Hannah", "Tyler", "Grace", "Andre", "Megan", "Luis", "Rachel", "Jamal", "Sofia", "Connor", "Priya", "Nathan"},
		"EMEA": {"Lena", "Tom", "Amelie", "Jonas", "Chiara", "Pieter", "Ingrid", "Mateusz", "Claire", "Youssef", "Aoife", "Lars", "Elena", "Hugo", "Fatima", "Oliver"},
		"APAC": {"Yuki", "Wei", "Aarav", "Min-jun", "Siti", "Liam", "Mei", "Kenta", "Ananya", "Jia", "Ethan", "Hana", "Ravi", "Chloe", "Tane", "Soo-ah"},
	}
	lastNames = map[string][]string{
		"AMER": {"Johnson", "Ortiz", "Campbell", "Nguyen", "Brooks", "Silva", "Patel", "Foster", "Ramirez", "Chen", "Walker", "Reed", "Murphy", "Costa"},
		"EMEA": {"Schmidt", "van Dijk", "Dubois", "Rossi", "Kowalski", "Nielsen", "O'Brien", "Haddad", "Fischer", "Jansen", "Moreau", "Berg", "Novak", "Clarke"},
		"APAC": {"Tanaka", "Zhang", "Sharma", "Kim", "Wong", "Nakamura", "Singh", "Lee", "Suzuki", "Tan", "Park", "Ng", "Walker", "Iyer"},
	}
)

// CustomerOrgs returns the demo's extra customer organizations with their
// people, the same for the same seed.
func CustomerOrgs(seed uint64) []CustomerOrg {
	rng := rand.New(rand.NewPCG(seed, 0xC057))
	out := make([]CustomerOrg, 0, len(orgSpecs))
	used := map[string]bool{}
	for _, s := range orgSpecs {
		o := CustomerOrg{Name: s.name, Domain: s.domain, Region: s.region, Plan: s.plan, Tier: s.tier, TimeZone: s.tz,
			Details: s.details, SharedTickets: s.shared}
		for len(o.People) < s.people {
			first := pick(rng, firstNames[s.region])
			last := pick(rng, lastNames[s.region])
			name := first + " " + last
			if used[name] {
				continue
			}
			used[name] = true
			local := strings.ToLower(strings.NewReplacer(" ", "", "'", "", "-", "").Replace(first) + "." +
				strings.NewReplacer(" ", "", "'", "", "-", "").Replace(last))
			o.People = append(o.People, Person{Name: name, Email: fmt.Sprintf("%s@%s", local, s.domain), TimeZone: s.tz})
		}
		out = append(out, o)
	}
	return out
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
