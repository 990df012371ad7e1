import GantryCore
import Testing

@Suite("body excerpt")
struct BodyExcerptTests {
    let notFoundPage = """
        <!DOCTYPE HTML>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>404 Not Found &amp; gone</title>
          <style>body { font-family: sans-serif; }</style>
        </head>
        <body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body>
        </html>
        """

    @Test("an HTML page gives its title, entities decoded")
    func htmlWithTitle() {
        #expect(BodyExcerpt.of(notFoundPage, contentType: "text/html; charset=utf-8") == "404 Not Found & gone")
        // Without a Content-Type, a body that starts like a page is still one.
        #expect(BodyExcerpt.of(notFoundPage, contentType: nil) == "404 Not Found & gone")
        #expect(BodyExcerpt.of("<html><head><TITLE lang=en>\n  Bad\n  Gateway </TITLE></head></html>", contentType: nil) == "Bad Gateway")
    }

    @Test("an HTML page without a title gives its text, without tags, comments, scripts or styles")
    func htmlWithoutTitle() {
        let page = """
            <!doctype html>
            <html><head>
            <script type="text/javascript">if (a < b && c > d) { document.write("<p>no</p>"); }</script>
            <style>
              h1 { color: red; }
            </style>
            </head>
            <body>
              <!-- a comment -->
              <h1 class="x>y">Service   Unavailable</h1>
              <p>Back <b>soon</b>, we<em>'</em>re on it.</p>
            </body></html>
            """
        #expect(BodyExcerpt.of(page, contentType: "text/html") == "Service Unavailable Back soon, we're on it.")
        // An empty title is no title.
        #expect(BodyExcerpt.of("<html><title> </title><body><p>Down</p></body></html>", contentType: "text/html") == "Down")
        // A page with no text at all has nothing to quote.
        #expect(BodyExcerpt.of("<html><body><img src=x></body></html>", contentType: "text/html") == "")
    }

    @Test("the common entities and numeric references are decoded in HTML")
    func entities() {
        let page = "<p>&lt;ok&gt; &amp; &quot;fine&quot; &apos;really&#39; &#x41;&nbsp;B &copy; &amp;lt; & alone</p>"
        #expect(BodyExcerpt.of(page, contentType: "text/html") == #"<ok> & "fine" 'really' A B &copy; &lt; & alone"#)
        // A body that is not HTML is quoted as it is.
        #expect(BodyExcerpt.of("a &amp; b", contentType: "text/plain") == "a &amp; b")
    }

    @Test("a JSON body keeps its text, whitespace collapsed")
    func json() {
        let body = """
            {
              "status": "DOWN",
              "components": { "db": { "status": "DOWN" } }
            }
            """
        #expect(BodyExcerpt.of(body, contentType: "application/json") == #"{ "status": "DOWN", "components": { "db": { "status": "DOWN" } } }"#)
        #expect(BodyExcerpt.of(#"{"a":"<html>"}"#, contentType: nil) == #"{"a":"<html>"}"#)
    }

    @Test("a long body is cut at about 120 characters with an ellipsis, at a word when one ends near")
    func longText() {
        let words = String(repeating: "lorem ipsum ", count: 40)
        let excerpt = BodyExcerpt.of(words, contentType: "text/plain")
        #expect(excerpt.hasSuffix("…"))
        #expect(excerpt.count <= BodyExcerpt.limit + 1)
        #expect(excerpt.count > BodyExcerpt.limit - 20)
        #expect(!excerpt.dropLast().hasSuffix(" "))
        #expect(excerpt.dropLast().hasSuffix("lorem") || excerpt.dropLast().hasSuffix("ipsum"))

        let unbroken = String(repeating: "x", count: 500)
        #expect(BodyExcerpt.of(unbroken, contentType: nil) == String(repeating: "x", count: BodyExcerpt.limit) + "…")

        let exact = String(repeating: "y", count: BodyExcerpt.limit)
        #expect(BodyExcerpt.of(exact, contentType: nil) == exact)

        let page = "<html><body>" + String(repeating: "<div>word</div>", count: 2000) + "</body></html>"
        let text = BodyExcerpt.of(page, contentType: "text/html")
        #expect(text.hasPrefix("word word "))
        #expect(text.hasSuffix("…"))
        #expect(text.count <= BodyExcerpt.limit + 1)
    }

    @Test("an empty or blank body has nothing to quote; control characters are dropped")
    func emptyAndControls() {
        #expect(BodyExcerpt.of("", contentType: nil) == "")
        #expect(BodyExcerpt.of("", contentType: "text/html") == "")
        #expect(BodyExcerpt.of(" \n\t ", contentType: "text/plain") == "")
        #expect(BodyExcerpt.of("\u{1B}[31mred\u{1B}[0m\u{0}", contentType: nil) == "[31mred[0m")
    }

    /// A prober whose every attempt gets the same verdict.
    struct AnsweringProber: Prober {
        let verdict: ProbeVerdict
        func probe(_ probe: ProbeConfig, timeout: Duration) async -> ProbeVerdict { verdict }
    }

    @Test("a failing answer's body reaches the check result and the journal, masked")
    func bodyIsKeptMasked() async {
        let prober = AnsweringProber(verdict: .fail("HTTP 500, expected 2xx: token s3cret refused", body: "<p>token s3cret refused</p>"))
        let check = CheckConfig(
            name: "web", probe: .http(HTTPProbeConfig(url: "http://127.0.0.1/health")),
            timing: CheckTiming(timeout: .seconds(1), retries: 0, interval: .zero, startPeriod: .zero)
        )
        let results = await CheckRunner(prober: prober, clock: TestClock()).run(
            [check], targets: [], environment: [:], masker: SecretMasker(values: ["s3cret"]), concurrency: 1, deadline: .seconds(60)
        )
        let result = results.first
        #expect(result?.message == "HTTP 500, expected 2xx: token *** refused")
        #expect(result?.body == "<p>token *** refused</p>")
        #expect(result.flatMap { JournalEvent.checkResult($0, step: .verify).body } == "<p>token *** refused</p>")
    }
}
