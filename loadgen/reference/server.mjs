// The reference: automerge-repo's own sync server, as its README sets it up.
// node server.mjs DATA_DIR → prints "listening on http://127.0.0.1:PORT".
import http from "node:http";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { WebSocketServer } from "ws";

const server = http.createServer();
const wss = new WebSocketServer({ server }); // any path, including /sync?token=…
new Repo({
  network: [new WebSocketServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(process.argv[2]),
  peerId: "reference-sync-server",
  sharePolicy: async () => false, // a server never announces documents
});
server.listen(0, "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.stdin.on("end", () => process.exit(0)); // dies with the harness
process.stdin.resume();
