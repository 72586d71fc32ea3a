package mail

import (
	"errors"
	"testing"
)

func TestTicketToken(t *testing.T) {
	eq(t, "token", TicketToken(1234), "[#1234]")
	eq(t, "subject", SubjectWithToken("Re: Printer", 1234), "Re: Printer [#1234]")
	eq(t, "idempotent", SubjectWithToken("Re: Printer [#1234]", 1234), "Re: Printer [#1234]")
	eq(t, "empty subject", SubjectWithToken("  ", 7), "[#7]")
	eq(t, "plus", PlusAddress("support@example.com", 1234), "support+id1234@example.com")
	eq(t, "plus replaces tag", PlusAddress("support+old@example.com", 5), "support+id5@example.com")
	eq(t, "base", BaseAddress(" Support+id12@Example.COM "), "support@example.com")

	cases := []struct {
		name    string
		subject string
		addrs   []Address
		want    int64
		ok      bool
	}{
		{"subject token", "Re: Printer on fire [#1234]", nil, 1234, true},
		{"token roundtrip", SubjectWithToken("x", 987654321), nil, 987654321, true},
		{"last token wins", "Fwd: [#11] vendor ticket [#22]", nil, 22, true},
		{"plus address", "Re: no token", []Address{{Email: "someone@else.example"}, {Email: "support+id42@example.com"}}, 42, true},
		{"plus address case", "", []Address{{Email: "Support+ID42@Example.com"}}, 42, true},
		{"subject beats address", "[#1]", []Address{{Email: "support+id2@example.com"}}, 1, true},
		{"hash without bracket", "Order #1234", nil, 0, false},
		{"zero id", "[#0]", nil, 0, false},
		{"overflow", "[#99999999999999999999]", nil, 0, false},
		{"other plus tag", "", []Address{{Email: "support+sales@example.com"}}, 0, false},
		{"nothing", "Hello", []Address{{Email: "support@example.com"}}, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := ParseTicketToken(c.subject, c.addrs)
			if got != c.want || ok != c.ok {
				t.Errorf("ParseTicketToken = %d, %v; want %d, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestOutboundMessageID(t *testing.T) {
	id := OutboundMessageID(1234, 5678, "Example.COM")
	eq(t, "id", id, "frontline.t1234.c5678@example.com")
	for _, in := range []string{id, "<" + id + ">", " <frontline.t1234.c5678.notify@example.com> "} {
		tk, c, ok := ParseOutboundMessageID(in)
		if !ok || tk != 1234 || c != 5678 {
			t.Errorf("ParseOutboundMessageID(%q) = %d, %d, %v", in, tk, c, ok)
		}
	}
	for _, in := range []string{"", "CAB1@mail.gmail.com", "frontline.t0.c1@example.com", "frontline.t12.c@example.com", "xfrontline.t1.c2@example.com", "frontline.t1.c2@"} {
		if _, _, ok := ParseOutboundMessageID(in); ok {
			t.Errorf("ParseOutboundMessageID(%q) recognised a foreign ID", in)
		}
	}
}

func TestResolve(t *testing.T) {
	stored := map[string]int64{"DM6PR11MB4123ORIG@DM6PR11MB4123.namprd11.prod.outlook.com": 42, "CAB1x2y3z.4@mail.customer.example": 1234}
	var asked [][]string
	lookup := func(ids []string) (int64, bool, error) {
		asked = append(asked, ids)
		for _, id := range ids {
			if t, ok := stored[id]; ok {
				return t, true, nil
			}
		}
		return 0, false, nil
	}

	t.Run("own message id wins without lookup", func(t *testing.T) {
		asked = nil
		in := parseFixture(t, "gmail_reply.eml")
		in.Subject = "completely changed subject"
		th, err := Resolve(in, lookup)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "thread", th, Thread{TicketID: 1234, Method: ThreadOwnMessageID, MatchedID: "frontline.t1234.c5678@example.com"})
		eq(t, "lookups", len(asked), 0)
	})
	t.Run("own id found in References when In-Reply-To is foreign", func(t *testing.T) {
		in := &Inbound{MessageID: "new@x", InReplyTo: "other@client.example", References: []string{"frontline.t9.c1@example.com", "other@client.example"}}
		th, err := Resolve(in, nil)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "thread", th, Thread{TicketID: 9, Method: ThreadOwnMessageID, MatchedID: "frontline.t9.c1@example.com"})
	})
	t.Run("stored inbound id", func(t *testing.T) {
		asked = nil
		in := parseFixture(t, "outlook_reply.eml")
		th, err := Resolve(in, lookup)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "thread", th, Thread{TicketID: 42, Method: ThreadStoredMessage})
		eq(t, "asked", asked, [][]string{{"DM6PR11MB4123ORIG@DM6PR11MB4123.namprd11.prod.outlook.com"}})
	})
	t.Run("lookup order newest first, own id excluded", func(t *testing.T) {
		asked = nil
		in := &Inbound{MessageID: "self@x", InReplyTo: "p@x", References: []string{"a@x", "b@x", "p@x", "self@x"}}
		if _, err := Resolve(in, lookup); err != nil {
			t.Fatal(err)
		}
		eq(t, "asked", asked, [][]string{{"p@x", "b@x", "a@x"}})
	})
	t.Run("plus address when ids unknown", func(t *testing.T) {
		in := parseFixture(t, "outlook_reply.eml")
		th, err := Resolve(in, func([]string) (int64, bool, error) { return 0, false, nil })
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "thread", th, Thread{TicketID: 42, Method: ThreadToken})
	})
	t.Run("subject token", func(t *testing.T) {
		in := &Inbound{MessageID: "n@x", Subject: "Re: something [#77]"}
		th, err := Resolve(in, lookup)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "thread", th, Thread{TicketID: 77, Method: ThreadToken})
	})
	t.Run("new ticket", func(t *testing.T) {
		in := parseFixture(t, "plain.eml")
		th, err := Resolve(in, lookup)
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "thread", th, Thread{})
	})
	t.Run("lookup error", func(t *testing.T) {
		boom := errors.New("db down")
		in := &Inbound{MessageID: "n@x", InReplyTo: "p@x", Subject: "[#5]"}
		_, err := Resolve(in, func([]string) (int64, bool, error) { return 0, false, boom })
		if !errors.Is(err, boom) {
			t.Errorf("err = %v", err)
		}
	})
}
