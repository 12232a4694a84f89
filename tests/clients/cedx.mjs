// Drive npm @cedx/akismet against Hamlet's Akismet-compatible API.
// Usage: node cedx.mjs BASE_URL API_KEY BLOG_URL SPAM_TEXT HAM_TEXT
// BASE_URL is where the API is mounted (http://127.0.0.1:8000/akismet): the client takes a baseUrl.
// Prints one JSON object of results; a call that throws is reported as "error: <message>".
import { Author, Blog, Client, Comment } from "@cedx/akismet";

const [baseUrl, apiKey, blogUrl, spamText, hamText] = process.argv.slice(2);
const blog = new Blog({ url: blogUrl, charset: "UTF-8", languages: ["en", "fr"] });
const client = new Client(apiKey, blog, { baseUrl });
const stranger = new Client("wrongkey1234", blog, { baseUrl });

function comment(content, name) {
	return new Comment({
		author: new Author({ ipAddress: "203.0.113.9", name, userAgent: "Mozilla/5.0 (cedx test)" }),
		content,
		context: ["budget", "council"], // sent as comment_context[0], comment_context[1]
		date: new Date(), // sent as ISO-8601 with Z
		permalink: `${blogUrl}story-1`,
		type: "comment",
	});
}

async function attempt(promise) {
	try {
		return await promise;
	} catch (error) {
		return `error: ${error.message}`;
	}
}

const results = {
	verify: await attempt(client.verifyKey()),
	checkSpam: await attempt(client.checkComment(comment(spamText, "cheap pills"))),
	checkHam: await attempt(client.checkComment(comment(hamText, "Anna K."))),
	// submitSpam/submitHam resolve to undefined after checking the body is Akismet's "Thanks…".
	submitSpam: await attempt(client.submitSpam(comment(hamText, "Anna K.")).then(() => "ok")),
	submitHam: await attempt(client.submitHam(comment(spamText, "cheap pills")).then(() => "ok")),
	invalidVerify: await attempt(stranger.verifyKey()),
	invalidCheck: await attempt(stranger.checkComment(comment(hamText, "Anna K."))),
};
console.log(JSON.stringify(results));
