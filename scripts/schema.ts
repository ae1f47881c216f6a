// `npm run schema`: writes schema/batch.schema.json from the zod schema of .github/batch.yml (src/domain/config.ts).
import { writeFileSync } from "node:fs";
import { CONFIG_SCHEMA_PATH, configJsonSchemaText } from "../src/domain/config-json-schema.js";

writeFileSync(CONFIG_SCHEMA_PATH, configJsonSchemaText());
console.log(`wrote ${CONFIG_SCHEMA_PATH}`);
