import os from 'node:os';
import { execa } from 'execa';

/** Which machine, which Node, which code: what a reader needs to judge the numbers. */
export interface MachineInfo {
  gitCommit: string | null;
  node: string;
  cpuModel: string;
  cores: number;
  os: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const git = await execa('git', ['rev-parse', '--short=12', 'HEAD'], { reject: false, cwd: import.meta.dirname });
  const dirty = await execa('git', ['status', '--porcelain', '--untracked-files=no'], { reject: false, cwd: import.meta.dirname });
  const commit = git.exitCode === 0 ? `${git.stdout.trim()}${dirty.stdout.trim() ? '-dirty' : ''}` : null;
  return {
    gitCommit: commit,
    node: process.version,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}
