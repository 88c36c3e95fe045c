package org.stevedore.tape.campaign;

import javax.sql.DataSource;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.launch.support.TaskExecutorJobLauncher;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JobRepositoryFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.transaction.PlatformTransactionManager;

/** Spring Batch's job repository on a JDBC database (H2 by default, PostgreSQL in production), built without Boot. */
public final class BatchRepositories {

    private BatchRepositories() {
    }

    /**
     * Creates Spring Batch's tables from the schema shipped with it, unless they exist.
     *
     * @param platform {@code h2} or {@code postgresql} (any platform Spring Batch ships a schema for)
     */
    public static void initializeSchema(DataSource dataSource, String platform) {
        try {
            new JdbcTemplate(dataSource).queryForObject("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE", Long.class);
            return;
        } catch (RuntimeException absent) {
            // not there yet
        }
        new ResourceDatabasePopulator(new ClassPathResource("org/springframework/batch/core/schema-" + platform + ".sql"))
                .execute(dataSource);
    }

    public static JobRepository jobRepository(DataSource dataSource, PlatformTransactionManager transactions) {
        JobRepositoryFactoryBean factory = new JobRepositoryFactoryBean();
        factory.setDataSource(dataSource);
        factory.setTransactionManager(transactions);
        try {
            factory.afterPropertiesSet();
            return factory.getObject();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build Spring Batch's job repository: " + e.getMessage(), e);
        }
    }

    /** A launcher that runs jobs on {@code executor} (synchronously when it is a SyncTaskExecutor). */
    public static JobLauncher launcher(JobRepository repository, TaskExecutor executor) {
        TaskExecutorJobLauncher launcher = new TaskExecutorJobLauncher();
        launcher.setJobRepository(repository);
        launcher.setTaskExecutor(executor);
        try {
            launcher.afterPropertiesSet();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return launcher;
    }
}
