import { Text } from '@fluentui/react-components';
import { usePaneStyles } from '../components/styles.js';

/**
 * Placeholder for refreshable tables (refresh definitions). The refresh feature replaces it by
 * passing its own screen to <App tablesScreen={…}>.
 */
export function TablesScreen() {
  const styles = usePaneStyles();
  return (
    <div className={styles.stack}>
      <Text>Tables you insert from Tableau will be listed here, ready to refresh.</Text>
    </div>
  );
}
