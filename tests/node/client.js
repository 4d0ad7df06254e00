// A Node.js client of cleaner.v1.CleanerService (@grpc/grpc-js + @grpc/proto-loader).
// Usage: node client.js HOST:PORT SEED_FILE
// Prints one JSON object with what the Python test checks.
"use strict";

const fs = require("fs");
const path = require("path");
const grpc = require("@grpc/grpc-js");
const protoLoader = require("@grpc/proto-loader");

const PROTO_ROOT = path.join(__dirname, "..", "..", "protos");
const definition = protoLoader.loadSync("cleaner/v1/cleaner.proto", {
  includeDirs: [PROTO_ROOT],
  keepCase: true,
  enums: String,
  longs: Number,
  defaults: true,
  oneofs: true,
});
const cleanerV1 = grpc.loadPackageDefinition(definition).cleaner.v1;

function call(client, method, request) {
  return new Promise((resolve) => {
    client[method](request, { deadline: Date.now() + 10000 }, (err, response) => resolve({ err, response }));
  });
}

async function main() {
  const [target, seedPath] = process.argv.slice(2);
  const seed = fs.readFileSync(seedPath);
  const client = new cleanerV1.CleanerService(target, grpc.credentials.createInsecure());

  const unary = await call(client, "Clean", { document: { data: seed, id: "node-1" } });
  if (unary.err) throw unary.err;

  const batch = await call(client, "CleanBatch", {
    documents: [
      { text: seed.toString("utf8"), id: "a" },
      { data: Buffer.alloc(0), id: "b" },
    ],
  });
  if (batch.err) throw batch.err;

  const bad = await call(client, "Clean", { document: { text: "   " } });
  const details = bad.err ? bad.err.metadata.get("grpc-status-details-bin") : [];

  client.close();
  console.log(JSON.stringify({
    id: unary.response.id,
    title: unary.response.article.title,
    paragraphs: unary.response.article.paragraphs.length,
    body: unary.response.article.body,
    format: unary.response.article.format,
    batch: batch.response.results.map((r) => [r.id, r.outcome, r.error ? r.error.reason : null]),
    bad_code: bad.err ? bad.err.code : 0,
    bad_has_details: details.length > 0,
  }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
