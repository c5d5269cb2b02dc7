import type { ProcessGroup } from '../processes.js';
import type { BenchSettings } from '../settings.js';

/** What every scenario is given. */
export interface ScenarioContext {
  settings: BenchSettings;
  /** Where processes write their logs and configs. */
  logDir: string;
  /** A progress line on stderr. */
  progress(message: string): void;
  /** A process group that is stopped when the scenario ends, however it ends. */
  group: ProcessGroup;
}
