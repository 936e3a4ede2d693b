/**
 * Progress output for the CLI: a bar redrawn in place on a terminal, plain
 * lines elsewhere (CI logs, pipes). Writes to stderr so stdout stays the result.
 */
export interface Progress {
  /** Starts a step; `total` makes it a bar. */
  start(label: string, total?: number): void;
  /** Reports `done` of the current step's total. */
  tick(done: number): void;
  /** Ends the current step with how long it took. */
  done(note?: string): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  readonly quiet?: boolean;
}

/** Makes a progress reporter on stderr (or the given stream). */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  let label = '';
  let total = 0;
  let started = 0;
  let lastDraw = 0;
  const write = (text: string) => {
    if (!options.quiet) stream.write(text);
  };
  return {
    start(next, count) {
      label = next;
      total = count ?? 0;
      started = performance.now();
      lastDraw = 0;
      if (!tty) write(`• ${label}…\n`);
      else if (total === 0) write(`• ${label}…`);
    },
    tick(done) {
      if (!tty || total === 0) return;
      const now = performance.now();
      if (now - lastDraw < 80 && done < total) return;
      lastDraw = now;
      const width = 28;
      const filled = Math.round((width * done) / total);
      write(`\r• ${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor((100 * done) / total)}%`);
    },
    done(note) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const tail = `${note ? ` ${note}` : ''} (${seconds} s)`;
      if (tty) write(`\r\x1b[2K✓ ${label}${tail}\n`);
      else write(`  done${tail}\n`);
    },
  };
}
