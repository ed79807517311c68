import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = resolve('bin/intake.js');

/** Runs `intake <args>` as a child process against the stack described in `stackFile`. */
export function runIntake(args: string[], stackFile: string, timeoutMs = 60_000): Promise<Run> {
  return new Promise((ok) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, INTAKE_STACK_FILE: stackFile }, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        ok({ code, stdout, stderr });
      },
    );
  });
}
