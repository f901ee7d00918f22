// An independent MCP client for the Go end-to-end tests: the official TypeScript SDK starts
// the command given as arguments (authsome mcp ...) over stdio, lists its tools, calls a few,
// and prints one JSON object: {"tools": [names], "results": {tool: {isError, text}},
// "asked": [confirmation questions]}.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node client.mjs COMMAND [ARG...]");
  process.exit(2);
}

const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
// The client can ask its user to confirm a write (MCP elicitation): the test user says yes,
// and the questions are reported.
const client = new Client({ name: "authsome-e2e-ts", version: "0.0.0" }, { capabilities: { elicitation: {} } });
const asked = [];
client.setRequestHandler(ElicitRequestSchema, async (req) => {
  asked.push(req.params.message);
  return { action: "accept", content: { confirm: true } };
});
await client.connect(transport);

const { tools } = await client.listTools();
for (const t of tools) {
  if (t.inputSchema?.type !== "object" || !t.description || !t.annotations) {
    throw new Error(`tool ${t.name} lacks a schema, description or annotations`);
  }
}

const text = (r) => r.content.filter((c) => c.type === "text").map((c) => c.text).join("");
const results = {};
const callTool = async (name, args) => {
  const r = await client.callTool({ name, arguments: args });
  results[name] = { isError: !!r.isError, text: text(r) };
  return r;
};

await callTool("mail_list", { top: 3 });
const added = await callTool("todo_add", { title: "From the TypeScript client" });
await callTool("todo_tasks", {});
if (!results.todo_tasks.text.includes("From the TypeScript client") || !added.structuredContent?.id) {
  results.todo_tasks.isError = true;
}
await callTool("mail_read", { id: "AAMkNoSuchMessage" });

await client.close();
console.log("\n" + JSON.stringify({ tools: tools.map((t) => t.name), results, asked }));
