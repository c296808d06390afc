// The default policy (every decision Mesos's), as a bundle entry for the replay test.
import { definePolicy } from '../../../src/index.ts';

export default definePolicy({ name: 'mesos-drf' });
