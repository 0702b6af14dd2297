import type { SubscribeConfig } from '../config/types.js';
import { topicMatches } from '../config/topics.js';

/** The parts of a received message the gate looks at. */
export interface GatedMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** What to do with one received message. */
export type Verdict =
  /** --retained-only saw a live message: the run ends and this message is not handled. */
  | { stop: true }
  | {
      stop: false;
      print: boolean;
      /** --remove-retained: publish an empty retained message to the topic. */
      clear: boolean;
      /** -C is reached with this message. */
      last: boolean;
    };

/**
 * Decides, per message, what mosquitto_sub 2.0 decides: a live message ends --retained-only
 * first; -R and -T drop messages without counting them; --random-filter drops them after they
 * are counted. Two mosquitto bugs are not copied (see README): --remove-retained still clears
 * under -R, as its man page promises, and an empty retained message is never "cleared" again,
 * which would loop forever with --retain-as-published.
 */
export class MessageGate {
  private counted = 0;

  constructor(
    private readonly config: SubscribeConfig,
    private readonly random: () => number = Math.random,
  ) {}

  judge(message: GatedMessage): Verdict {
    const { config } = this;
    if (config.retainedOnly && !message.retain) return { stop: true };
    const filteredOut = config.filterOut.some((f) => topicMatches(f, message.topic));
    const clear = config.removeRetained && message.retain && message.payload.length > 0 && !filteredOut;
    if (filteredOut || (config.noRetained && message.retain)) return { stop: false, print: false, clear, last: false };
    this.counted++;
    const percent = config.randomFilterPercent;
    const print = percent === undefined || this.random() * 100 < percent;
    const last = config.count !== undefined && this.counted >= config.count;
    return { stop: false, print, clear, last };
  }
}
