export { parseStatusQuestion, type StatusQuery } from './status.parser';
