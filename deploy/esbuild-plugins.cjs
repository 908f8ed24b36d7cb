// esbuild plugins of the functions' bundles (serverless.yml custom.esbuild.plugins; the package
// bench builds with them too).
const { readFile } = require('node:fs/promises');

// A module that imports zod's namespace by name (`import { z } from 'zod'`) keeps all of it in the
// bundle, its some fifty translations of error messages (about 250 KB) included; imported as
// `import * as z from 'zod'`, the same bindings, only what is used is kept. Our code imports it so;
// Powertools' parser schemas (EventBridge, SNS) still import it by name, so they are read so here.
const ZOD_BY_NAME = /^import \{ z \} from 'zod';$/m;

const zodNamespaceImport = {
  name: 'zod-namespace-import',
  setup(build) {
    build.onLoad(
      { filter: /[\\/]@aws-lambda-powertools[\\/]parser[\\/]lib[\\/]esm[\\/]schemas[\\/][^\\/]+\.js$/ },
      async ({ path }) => ({
        contents: (await readFile(path, 'utf8')).replace(ZOD_BY_NAME, "import * as z from 'zod';"),
        loader: 'js',
      }),
    );
  },
};

module.exports = [zodNamespaceImport];
