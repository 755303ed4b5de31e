import { openSqliteConnection } from "../adapters/sqlite-connection.ts";
import { answerThreadRequests, lowerThreadPriority, threadData } from "../adapters/worker-thread.ts";
import { sqliteDownloadWriter, type DownloadRow } from "./download-sql.ts";

// Worker thread of SQLite ingestion (started by TrackingRepository): writes each batch of counted
// downloads on its own connection, so that the synchronous writes (about 20 µs per download) never
// hold the event loop that answers listeners' requests, at a lower priority than that loop.

export interface DownloadWriterThreadData {
  /** The SQLite database file. */
  file: string;
}

// Writing can wait a little (the buffer holds the downloads meanwhile); listeners' requests cannot.
lowerThreadPriority();
const sqlite = openSqliteConnection(threadData<DownloadWriterThreadData>().file);
const write = sqliteDownloadWriter(sqlite);
answerThreadRequests<DownloadRow[], number>(write, () => sqlite.close());
