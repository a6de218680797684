import Testing
import WSMonCore

/// Redaction by rule: names containing a secret word, URL userinfo, secret query values.
@Suite struct RedactionTests {
    let hidden = Redaction()

    @Test func anyHeaderNamedLikeASecretIsHidden() {
        for name in [
            "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Auth-Token",
            "X-Custom-Token", "X-Session-Id", "X-Client-Secret", "X-PASSWORD", "apikey",
        ] {
            #expect(self.hidden.header(name: name, value: "s3cr3t").contains("s3cr3t") == false, "\(name)")
        }
        #expect(self.hidden.header(name: "Authorization", value: "Bearer abc") == "Bearer [redacted]")
        #expect(self.hidden.header(name: "X-Custom-Token", value: "abc") == "[redacted]")
    }

    @Test func otherHeadersAndTheProtocolsOwnKeyAreShown() {
        #expect(
            self.hidden.header(name: "Sec-WebSocket-Key", value: "dGhlIHNhbXBsZSBub25jZQ==")
                == "dGhlIHNhbXBsZSBub25jZQ=="
        )
        #expect(self.hidden.header(name: "User-Agent", value: "wsmon") == "wsmon")
        #expect(self.hidden.header(name: "Keep-Alive", value: "timeout=5") == "timeout=5")
        // A URL in another header still loses its secrets.
        #expect(
            self.hidden.header(name: "Location", value: "wss://h/next?token=abc&page=2")
                == "wss://h/next?token=[redacted]&page=2"
        )
    }

    @Test func userInfoInAnyURLIsHidden() {
        #expect(self.hidden.url("ws://user:pass@host:80/x") == "ws://user:[redacted]@host:80/x")
        #expect(self.hidden.url("wss://TOKEN@host/") == "wss://[redacted]@host/")
        #expect(
            self.hidden.text("proxy http://me:hunter2@proxy:3128 refused, retry ws://a:b@c/")
                == "proxy http://me:[redacted]@proxy:3128 refused, retry ws://a:[redacted]@c/"
        )
        #expect(self.hidden.text("mail me@example.com") == "mail me@example.com")
    }

    @Test func secretQueryValuesAreHiddenAndTheRestKept() {
        #expect(
            self.hidden.url("wss://feed.example/ws?token=abc123&channel=trades&api_key=k&Session=s")
                == "wss://feed.example/ws?token=[redacted]&channel=trades&api_key=[redacted]&Session=[redacted]"
        )
        #expect(self.hidden.text("GET /ws?access_token=xyz HTTP/1.1") == "GET /ws?access_token=[redacted] HTTP/1.1")
        #expect(self.hidden.url("ws://h/?page=2&sort=asc") == "ws://h/?page=2&sort=asc")
        #expect(self.hidden.url("ws://h/?token=") == "ws://h/?token=")
    }

    @Test func showSecretsShowsEverything() {
        let shown = Redaction(showSecrets: true)
        #expect(shown.url("ws://user:pass@h/?token=abc") == "ws://user:pass@h/?token=abc")
        #expect(shown.header(name: "Authorization", value: "Bearer abc") == "Bearer abc")
        #expect(shown.headers([HTTPHeaders.Field(name: "Cookie", value: "c=1")]).first?.value == "c=1")
    }
}
