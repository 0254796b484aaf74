// Read GIFT on stdin, print what gift-pegjs (a PEG grammar of GIFT nobody here wrote) makes of it.
// Usage: node parse_gift.js < quiz.gift.txt   (gift-pegjs installed in tests/lms/node by .ci/run)
const path = require("path");
const gift = require(path.join(__dirname, "node", "node_modules", "gift-pegjs"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  try {
    process.stdout.write(JSON.stringify(gift.parse(input)));
  } catch (e) {
    const where = e.location ? `${e.location.start.line}:${e.location.start.column}: ` : "";
    process.stderr.write(`${where}${e.message}\n`);
    process.exit(1);
  }
});
