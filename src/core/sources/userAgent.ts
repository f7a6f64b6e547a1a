// The User-Agent sent to public-inbox servers: lore's admins ask clients to identify themselves.

import packageJson from '../../../package.json';

export const USER_AGENT = `kvmarm-weekly/${packageJson.version}`;
