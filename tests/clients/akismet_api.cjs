// Drive npm akismet-api against Hamlet's Akismet-compatible API.
// Usage: node akismet_api.cjs BASE_URL API_KEY BLOG_URL SPAM_TEXT HAM_TEXT
// BASE_URL is where the API is mounted (http://localhost:8000/akismet). This client puts the key
// in the host (http://KEY.localhost:8000/...), so *.localhost must resolve here, and it takes no
// base URL: `host` is host:port and `version` carries the mount path ("akismet/1.1").
// Prints one JSON object of results; a call that throws is reported as "error: <message>".
"use strict";

const dns = require("node:dns");

// glibc does not resolve KEY.localhost, and superagent passes `agent: false`, so a lookup
// option on an agent is never used: replace dns.lookup itself.
const realLookup = dns.lookup;
dns.lookup = (hostname, options, callback) => {
	if (typeof options === "function") [callback, options] = [options, {}];
	if (hostname === "localhost" || hostname.endsWith(".localhost")) {
		const address = { address: "127.0.0.1", family: 4 };
		return options && options.all ? callback(null, [address]) : callback(null, address.address, 4);
	}
	return realLookup(hostname, options, callback);
};

const { AkismetClient } = require("akismet-api");

async function attempt(promise) {
	try {
		return await promise;
	} catch (error) {
		return `error: ${error.message}`;
	}
}

async function main() {
	const [baseUrl, key, blog, spamText, hamText] = process.argv.slice(2);
	const base = new URL(baseUrl);
	const options = {
		blog,
		host: `localhost:${base.port}`,
		protocol: base.protocol.replace(":", ""),
		version: `${base.pathname.replace(/^\/|\/$/g, "")}/1.1`,
		charset: "UTF-8",
	};
	const client = new AkismetClient({ ...options, key });
	const stranger = new AkismetClient({ ...options, key: "wrongkey1234" });
	const comment = (content, name) => ({
		ip: "203.0.113.10",
		useragent: "Mozilla/5.0 (akismet-api test)",
		name,
		content,
		type: "comment",
		date: "2026-03-02 14:29:13", // WordPress's MySQL form
	});
	// submitSpam/submitHam do not look at the body: report it so the caller can.
	const body = (response) => response.text;

	const results = {
		verify: await attempt(client.verifyKey()),
		checkSpam: await attempt(client.checkSpam(comment(spamText, "cheap pills"))),
		checkHam: await attempt(client.checkSpam(comment(hamText, "Anna K."))),
		submitSpam: await attempt(client.submitSpam(comment(hamText, "Anna K.")).then(body)),
		submitHam: await attempt(client.submitHam(comment(spamText, "cheap pills")).then(body)),
		invalidVerify: await attempt(stranger.verifyKey()),
		invalidCheck: await attempt(stranger.checkSpam(comment(hamText, "Anna K."))),
	};
	console.log(JSON.stringify(results));
}

main();
