import { batchbot } from "./app.js";

export default batchbot();
