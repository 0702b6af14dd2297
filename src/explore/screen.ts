/**
 * Writes frames to the terminal, sending only the lines that differ from the last frame: at a
 * few thousand messages a second most of the screen stays the same between frames, and a full
 * redraw would flicker and cost a terminal emulator far more than the diff.
 */

/** Alternate screen on, cursor hidden, screen cleared; and the exact reverse. */
export const ENTER_SCREEN = '\x1b[?1049h\x1b[?25l\x1b[2J';
export const LEAVE_SCREEN = '\x1b[0m\x1b[?25h\x1b[?1049l';

export class ScreenWriter {
  private shown: string[] = [];
  private width = 0;
  private height = 0;

  /**
   * The bytes that turn the last frame into `lines`; '' when nothing changed. A new size clears
   * the screen first: after a resize the terminal has rewrapped or cut what was there.
   */
  update(lines: readonly string[], width: number, height: number): string {
    let out = '';
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.shown = [];
      out += '\x1b[0m\x1b[2J';
    }
    for (let i = 0; i < lines.length && i < height; i++) {
      const line = lines[i]!;
      if (this.shown[i] === line) continue;
      // Each line is painted to the full width, so no erase is needed; \x1b[0m keeps a style
      // from running into the next line.
      out += `\x1b[${i + 1};1H${line}\x1b[0m`;
      this.shown[i] = line;
    }
    return out;
  }

  /** Forget what is on screen: the next update draws everything (after the terminal was disturbed). */
  invalidate(): void {
    this.width = 0;
    this.height = 0;
  }
}
