interface Waiting<Row> {
  row: Row;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: rows added while the event loop is busy are written together by one statement, and
 * each caller resolves only once its row is stored. Under load one commit serves many requests (on
 * SQLite a commit is the expensive part of an insert; on MySQL it is a round trip and a log flush).
 * If a batch fails, its rows are retried one by one so one bad row fails only its own caller.
 */
export class GroupCommit<Row> {
  private waiting: Array<Waiting<Row>> = [];
  private isScheduled = false;

  constructor(
    private readonly writeRows: (rows: Row[]) => Promise<void>,
    private readonly maxBatchSize = 100,
  ) {}

  add(row: Row): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.isScheduled) {
        this.isScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.isScheduled = false;
    for (let start = 0; start < batch.length; start += this.maxBatchSize) {
      await this.writeBatch(batch.slice(start, start + this.maxBatchSize));
    }
  }

  private async writeBatch(batch: Array<Waiting<Row>>): Promise<void> {
    try {
      await this.writeRows(batch.map((entry) => entry.row));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const entry of batch) {
        await this.writeRows([entry.row]).then(entry.resolve, entry.reject);
      }
    }
  }
}
