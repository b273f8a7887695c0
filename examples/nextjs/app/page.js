// A server component: the package's Node build runs on the server (at build time here).
import { generateSample, segment, version } from "hcp-segments";
import Segments from "./segments.js";

export default function Page() {
  const onServer = segment(generateSample(500, 1), { k: 3, seed: 1 });
  return (
    <main>
      <h1>
        hcp-segments {version()} (server: k = <span id="server-k">{onServer.segments.length}</span>)
      </h1>
      <Segments />
    </main>
  );
}
