/**
 * Python's threading.Lock for code that runs on one event loop, around a body with no await in it: taking it
 * never waits there, because the body holds it only while nothing else on the loop runs. Taking it again
 * before releasing it would block the loop's own thread for ever, so that is an error.
 */
export class ThreadLock {
  private held = false;

  acquire(): void {
    if (this.held) throw new Error('threading.Lock taken twice by one thread: it would block for ever');
    this.held = true;
  }

  release(): void {
    if (!this.held) throw new Error('release of an unlocked lock');
    this.held = false;
  }
}
