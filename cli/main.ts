import { Command } from 'commander';
import { registerValidate } from './commands/validate.js';
import { registerUpload } from './commands/upload.js';
import { registerStatus } from './commands/status.js';
import { registerReview } from './commands/review.js';
import { registerScreen } from './commands/screen.js';
import { registerRescreen } from './commands/rescreen.js';

/**
 * `intake`: the command line for carriers, reviewers and ops. Each command lives in its own
 * module under cli/commands and registers itself here.
 */
const program = new Command();
program
  .name('intake')
  .description('Manifest Intake: validate, upload and follow air cargo and parcel manifests')
  .showHelpAfterError();

registerValidate(program);
registerUpload(program);
registerStatus(program);
registerReview(program);
registerScreen(program);
registerRescreen(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // A command that could not run at all: say why, exit 2 (1 is kept for "not allowed").
  process.stderr.write(`intake: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
